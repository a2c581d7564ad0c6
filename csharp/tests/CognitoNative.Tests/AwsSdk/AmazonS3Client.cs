// A stand-in for an AWS SDK for .NET client (AWSSDK.S3's AmazonS3Client: its two constructors used by
// the AWS documentation and one operation in both forms). Like AWS's clients it keeps the
// AWSCredentials object it is given and asks it for credentials on every request: GetCredentials() on
// the synchronous path, on the calling (worker) thread, and `await GetCredentialsAsync()` on the
// asynchronous one; then it "signs" the request with them (records what it used). No I/O.
using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace Amazon.S3
{
    public class AmazonS3Client : IDisposable
    {
        private readonly AWSCredentials _credentials;
        private int _requests;

        public AmazonS3Client(AWSCredentials credentials)
            : this(credentials, RegionEndpoint.USEast1)
        {
        }

        public AmazonS3Client(AWSCredentials credentials, RegionEndpoint region)
        {
            _credentials = credentials ?? throw new ArgumentNullException("credentials");
            Region = region ?? throw new ArgumentNullException("region");
        }

        public RegionEndpoint Region { get; private set; }

        public int Requests
        {
            get { return Volatile.Read(ref _requests); }
        }

        public ListBucketsResponse ListBuckets()
        {
            return Sign(_credentials.GetCredentials());
        }

        public async Task<ListBucketsResponse> ListBucketsAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return Sign(credentials);
        }

        public void Dispose()
        {
        }

        private ListBucketsResponse Sign(ImmutableCredentials credentials)
        {
            if (credentials == null || string.IsNullOrEmpty(credentials.AccessKey) || string.IsNullOrEmpty(credentials.SecretKey))
            {
                throw new AmazonClientException("no credentials to sign with");
            }
            Interlocked.Increment(ref _requests);
            return new ListBucketsResponse(credentials);
        }
    }

    public class ListBucketsResponse
    {
        internal ListBucketsResponse(ImmutableCredentials signedWith)
        {
            SignedWith = signedWith;
        }

        /// <summary>Stand-in only: the credentials the request was signed with.</summary>
        public ImmutableCredentials SignedWith { get; private set; }
    }
}
