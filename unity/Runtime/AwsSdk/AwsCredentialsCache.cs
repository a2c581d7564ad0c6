using System.Threading;
using System.Threading.Tasks;

namespace CognitoNative.AwsSdk
{
    /// <summary>
    /// The AWS SDK's form of the engine's credentials, made once per set: while the engine hands out the
    /// same cached <c>CognitoNative.ImmutableCredentials</c> (it does until they change),
    /// the same <see cref="Amazon.Runtime.ImmutableCredentials"/> and completed task are returned, so a
    /// client asking per request allocates nothing. AWS's clients only read them.
    /// </summary>
    internal sealed class AwsCredentialsCache
    {
        private Entry _last;

        internal Amazon.Runtime.ImmutableCredentials Convert(global::CognitoNative.ImmutableCredentials credentials)
        {
            return EntryFor(credentials).Credentials;
        }

        internal Task<Amazon.Runtime.ImmutableCredentials> ConvertToTask(global::CognitoNative.ImmutableCredentials credentials)
        {
            return EntryFor(credentials).Task;
        }

        private Entry EntryFor(global::CognitoNative.ImmutableCredentials credentials)
        {
            var last = Volatile.Read(ref _last);
            if (last != null && ReferenceEquals(last.Source, credentials))
            {
                return last;
            }
            var entry = new Entry(credentials);
            Volatile.Write(ref _last, entry);
            return entry;
        }

        private sealed class Entry
        {
            internal Entry(global::CognitoNative.ImmutableCredentials source)
            {
                Source = source;
                Credentials = new Amazon.Runtime.ImmutableCredentials(source.AccessKey, source.SecretKey, source.Token);
                Task = System.Threading.Tasks.Task.FromResult(Credentials);
            }

            internal global::CognitoNative.ImmutableCredentials Source { get; private set; }

            internal Amazon.Runtime.ImmutableCredentials Credentials { get; private set; }

            internal Task<Amazon.Runtime.ImmutableCredentials> Task { get; private set; }
        }
    }
}
