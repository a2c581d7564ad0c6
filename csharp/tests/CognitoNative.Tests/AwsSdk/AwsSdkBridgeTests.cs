using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests.AwsSdk
{
    // Inside the namespace, so that the bridge's exception types win over CognitoNative's of the same names.
    using Amazon.S3;
    using CognitoNative.AwsSdk;
    using DocSnippets.Mixed;

    /// <summary>
    /// The AWS SDK bridge (CognitoNative.AwsSdk), against the AWSSDK.Core reference stub and an AWS
    /// client stand-in driven as AWS's clients drive credentials: GetCredentials() from a worker thread
    /// on the synchronous path, await GetCredentialsAsync() on the asynchronous one. scripts/csharp-tests.sh
    /// runs these with the stub of AWSSDK.Core 3.7 (what the bridge is compiled against) and again with
    /// that of v4 (COGNITO_AWSSDK_STUB says which).
    /// </summary>
    [TestFixture]
    public class AwsSdkBridgeTests : EmulatorTest
    {
        private static global::CognitoNative.CognitoAWSCredentials NativeGuest()
        {
            return new global::CognitoNative.CognitoAWSCredentials(Emulator.UnauthPoolId, global::CognitoNative.RegionEndpoint.USEast1);
        }

        [Test]
        public void TheAwsSdkCoreUnderTest_IsTheOneTheScriptNames()
        {
            var expected = Environment.GetEnvironmentVariable("COGNITO_AWSSDK_STUB") ?? "3.7";
            var v4 = typeof(Amazon.Runtime.AWSCredentials).BaseType.FullName == "Amazon.Runtime.Identity.BaseIdentity";
            Assert.AreEqual(expected == "4", v4, "AWSCredentials derives from BaseIdentity in v4 only");
            Assert.AreEqual(expected == "4" ? 4 : 3, typeof(Amazon.Runtime.AWSCredentials).Assembly.GetName().Version.Major);
        }

        [Test]
        public void ToAWSCredentials_IsOneAdapterPerObject()
        {
            using (var a = NativeGuest())
            using (var b = NativeGuest())
            {
                var adapter = a.ToAWSCredentials();
                Assert.IsInstanceOf<Amazon.Runtime.AWSCredentials>(adapter);
                Assert.AreSame(adapter, a.ToAWSCredentials());
                Assert.AreNotSame(adapter, b.ToAWSCredentials());
                Assert.Throws<ArgumentNullException>(() => AwsSdkExtensions.ToAWSCredentials(null));
            }
        }

        [Test]
        public void Adapter_SyncPathFromAWorkerThread_WaitsOnceThenServesTheCache()
        {
            using (var native = NativeGuest())
            {
                var client = new AmazonS3Client(native.ToAWSCredentials(), Amazon.RegionEndpoint.USEast1);
                var first = Await(Task.Run(() => client.ListBuckets().SignedWith)); // nothing cached: waits
                var engine = native.GetCredentials();
                Assert.AreEqual(engine.AccessKey, first.AccessKey);
                Assert.AreEqual(engine.SecretKey, first.SecretKey);
                Assert.AreEqual(engine.Token, first.Token);
                for (var i = 0; i < 100; i++)
                {
                    Assert.AreSame(first, Await(Task.Run(() => client.ListBuckets().SignedWith)), "the same object while unchanged");
                }
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"), "one request for 101 client calls");
            }
        }

        [Test]
        public void Adapter_AsyncPath_IsTheSameCompletedTaskWhileUnchanged_AndFollowsAChange()
        {
            using (var native = NativeGuest())
            {
                var adapter = native.ToAWSCredentials();
                var first = Await(adapter.GetCredentialsAsync());
                var task = adapter.GetCredentialsAsync();
                Assert.IsTrue(task.Status == TaskStatus.RanToCompletion, "cached: completed at once");
                Assert.AreSame(task, adapter.GetCredentialsAsync());
                Assert.AreSame(first, task.Result);
                Assert.AreSame(first, adapter.GetCredentials());

                native.ClearCredentials();
                var second = Await(new AmazonS3Client(adapter).ListBucketsAsync()).SignedWith;
                Assert.AreNotEqual(first.AccessKey, second.AccessKey, "new credentials after a change");
                Assert.AreSame(second, adapter.GetCredentials());
            }
        }

        [Test]
        public void Adapter_AllocatesNothingPerRequest_WhileTheCredentialsAreUnchanged()
        {
            var allocated = AllocatedBytesOfThisThread();
            if (allocated == null)
            {
                Assert.Ignore("this runtime has no GC.GetAllocatedBytesForCurrentThread");
            }
            using (var native = NativeGuest())
            {
                var adapter = native.ToAWSCredentials();
                Await(adapter.GetCredentialsAsync());
                adapter.GetCredentials(); // warm
                adapter.GetCredentialsAsync();
                native.ToAWSCredentials();
                var before = allocated();
                for (var i = 0; i < 10000; i++)
                {
                    adapter.GetCredentials();
                    adapter.GetCredentialsAsync();
                    native.ToAWSCredentials();
                }
                var bytes = allocated() - before;
                Assert.AreEqual(0, bytes, "bytes allocated by 10,000 sync + async reads");
            }
        }

        [Test]
        public void Adapter_ErrorsAreTheAwsSdksExceptions()
        {
            using (var native = new global::CognitoNative.CognitoAWSCredentials(
                Emulator.AuthOnlyPoolId, global::CognitoNative.RegionEndpoint.USEast1, Emulator.Options()))
            {
                var client = new AmazonS3Client(native.ToAWSCredentials());
                var e = (NotAuthorizedException)FailureOf(client.ListBucketsAsync());
                AssertServiceError(e, "NotAuthorizedException", HttpStatusCode.BadRequest, Amazon.Runtime.ErrorType.Sender);
                Assert.IsInstanceOf<global::CognitoNative.NotAuthorizedException>(e.InnerException);
                Assert.IsNull(e.Retryable);
                Assert.Throws<NotAuthorizedException>(() => Task.Run(() => client.ListBuckets()).GetAwaiter().GetResult());
            }
        }

        [Test]
        public void Facade_InAnAwsClient_EnhancedFlow()
        {
            var signedWith = Await(MixedProjectSnippets.EnhancedFlowWithAClient(Emulator.UnauthPoolId));
            StringAssert.StartsWith("ASIA", signedWith.AccessKey);
            Assert.AreEqual(1, Emulator.Count("GetId"));
            Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
        }

        [Test]
        public void Facade_InAnAwsClient_BasicFlowFromAWorkerThread()
        {
            var signedWith = Await(Task.Run(() => MixedProjectSnippets.BasicFlowSynchronous(
                "123456789012", Emulator.UnauthPoolId, UnauthRole, Amazon.RegionEndpoint.USEast1)));
            StringAssert.StartsWith("ASIA", signedWith.AccessKey);
            Assert.AreEqual(1, Emulator.Count("GetOpenIdToken"));
            Assert.AreEqual(1, Emulator.Count("AssumeRoleWithWebIdentity"));
        }

        [Test]
        public void Facade_UnauthenticatedThenAuthenticated_AddLoginGivesNewCredentials()
        {
            var signed = Await(Task.Run(() => MixedProjectSnippets.UnauthenticatedThenAuthenticated(
                "123456789012", Emulator.UnauthPoolId, UnauthRole, AuthRole, Amazon.RegionEndpoint.USEast1, "EAAB-facebook-token")));
            Assert.AreNotEqual(signed[0].AccessKey, signed[1].AccessKey);
            Assert.AreEqual(2, Emulator.Count("AssumeRoleWithWebIdentity"));
        }

        [Test]
        public void Facade_IsAnAWSCredentials_WithTheAwsTypes()
        {
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.UnauthPoolId, Amazon.RegionEndpoint.USEast1))
            {
                Amazon.Runtime.AWSCredentials aws = credentials;
                var c = Await(aws.GetCredentialsAsync());
                Assert.AreSame(c, aws.GetCredentials());
                Assert.AreSame(aws.GetCredentialsAsync(), aws.GetCredentialsAsync());
                Assert.AreEqual(Emulator.UnauthPoolId, credentials.IdentityPoolId);
                StringAssert.StartsWith("us-east-1:", credentials.GetCachedIdentityId());
                Assert.AreEqual(credentials.GetCachedIdentityId(), credentials.GetIdentityId());
                Assert.IsNotNull(credentials.Expiration);
                Assert.AreEqual(TimeSpan.FromMinutes(5), credentials.PreemptExpiryTime);
                credentials.AddLogin("graph.facebook.com", "EAAB-token");
                Assert.IsTrue(credentials.ContainsProvider("graph.facebook.com"));
                Assert.AreEqual(new[] { "graph.facebook.com" }, credentials.CurrentLoginProviders);
                Assert.AreEqual(1, credentials.LoginsCount);
                credentials.RemoveLogin("graph.facebook.com");
                Assert.AreEqual(0, credentials.LoginsCount);
                Assert.AreEqual("cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
                    CognitoNative.AwsSdk.CognitoAWSCredentials.UserPoolProviderName("us-east-1_AbC"));
            }
        }

        [Test]
        public void Facade_ErrorsAreAmazonServiceExceptions_WithAwsCodes()
        {
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.AuthOnlyPoolId, Amazon.RegionEndpoint.USEast1))
            {
                var e = (NotAuthorizedException)FailureOf(credentials.GetIdentityIdAsync());
                AssertServiceError(e, "NotAuthorizedException", HttpStatusCode.BadRequest, Amazon.Runtime.ErrorType.Sender);
                Assert.AreEqual(CognitoErrorKind.NotAuthorized, e.ErrorKind);
                Assert.Throws<NotAuthorizedException>(() => Task.Run(() => credentials.GetCredentials()).GetAwaiter().GetResult());
                Assert.Throws<NotAuthorizedException>(() => Task.Run(() => credentials.GetIdentityId()).GetAwaiter().GetResult());
            }

            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"throttle\"}");
            var options = Emulator.Options();
            options.MaxAttempts = 1;
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.UnauthPoolId, Amazon.RegionEndpoint.USEast1, options))
            {
                var e = (TooManyRequestsException)FailureOf(credentials.GetCredentialsAsync());
                AssertServiceError(e, "TooManyRequestsException", HttpStatusCode.BadRequest, Amazon.Runtime.ErrorType.Sender);
                Assert.IsNotNull(e.Retryable);
                Assert.IsTrue(e.Retryable.Throttling);
            }
            Emulator.ClearFaults();

            options = Emulator.Options();
            options.MaxAttempts = 1;
            options.Endpoint = "http://127.0.0.1:9"; // nothing listens
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.UnauthPoolId, Amazon.RegionEndpoint.USEast1, options))
            {
                var e = (CognitoClientException)FailureOf(credentials.GetCredentialsAsync());
                Assert.IsInstanceOf<Amazon.Runtime.AmazonClientException>(e);
                Assert.AreEqual(CognitoErrorKind.Network, e.ErrorKind);
                Assert.IsTrue(e.IsRetryable);
                Assert.IsInstanceOf<global::CognitoNative.NetworkException>(e.InnerException);
            }
        }

        [TestCase("InvalidIdentityToken", typeof(InvalidIdentityTokenException))]
        [TestCase("AccessDenied", typeof(AmazonSecurityTokenServiceException))]
        public void Facade_StsErrors_AreAmazonSecurityTokenServiceExceptions(string code, Type expected)
        {
            Emulator.Fault("{\"op\":\"AssumeRoleWithWebIdentity\",\"fault\":\"service_error\",\"status\":400,\"code\":\"" + code + "\",\"message\":\"injected\"}");
            var options = Emulator.Options();
            options.MaxAttempts = 1;
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(
                null, Emulator.UnauthPoolId, UnauthRole, null, Amazon.RegionEndpoint.USEast1, options))
            {
                var e = (AmazonSecurityTokenServiceException)FailureOf(credentials.GetCredentialsAsync());
                Assert.AreEqual(expected, e.GetType());
                Assert.AreEqual(code, e.ErrorCode);
                Assert.IsInstanceOf<Amazon.Runtime.AmazonServiceException>(e);
            }
        }

        [Test]
        public void Facade_IdentityChangedEvent_HasTheNestedArgs()
        {
            var log = new List<string>();
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.UnauthPoolId, Amazon.RegionEndpoint.USEast1))
            {
                object seenSender = null;
                credentials.IdentityChangedEvent += (sender, e) => seenSender = sender;
                MixedProjectSnippets.LogIdentityChanges(credentials, log);
                var identityId = Await(credentials.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(() => { lock (log) return log.Count == 2; }, Timeout));
                lock (log)
                {
                    Assert.AreEqual("Identity changed: [] => [" + identityId + "]", log[0]);
                    Assert.AreEqual("Identity changed from  to " + identityId, log[1]);
                }
                Assert.AreSame(credentials, seenSender, "the facade is the sender");
            }
        }

        [Test]
        public void Facade_PrefetchOptionAndMethod()
        {
            var options = Emulator.Options();
            options.Prefetch = true;
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.UnauthPoolId, Amazon.RegionEndpoint.USEast1, options))
            {
                WaitUntil(() => Emulator.Count("GetCredentialsForIdentity") == 1, "the facade's prefetch");
                StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
                credentials.Prefetch(); // cached: nothing to do
                Assert.AreEqual(1, Emulator.Count("GetId"));
                Assert.AreEqual(1, Emulator.Count("GetCredentialsForIdentity"));
            }
        }

        [Test]
        public void Facade_DeveloperIdentity_PublicOverrideOfRefreshIdentityAsync()
        {
            using (var credentials = new DeveloperAuthenticatedAwsCredentials(Emulator.UnauthPoolId, "facade-hero"))
            {
                var client = new AmazonS3Client(credentials, Amazon.RegionEndpoint.USEast1);
                var signedWith = Await(client.ListBucketsAsync()).SignedWith;
                StringAssert.StartsWith("ASIA", signedWith.AccessKey);
                Assert.AreEqual(0, Emulator.Count("GetId"), "the backend names the identity");
                Assert.IsTrue(credentials.ContainsProvider("cognito-identity.amazonaws.com"));
            }
        }

        [Test]
        public void Facade_IdentityCacheOverrides_AreTheStore()
        {
            string identityId;
            using (var first = new SettingsAwsCredentials(Emulator.UnauthPoolId))
            {
                identityId = Await(first.GetIdentityIdAsync());
                Assert.IsTrue(SpinWait.SpinUntil(
                    () => DocSnippets.AppSettings.Get("Facade:IdentityId:" + Emulator.UnauthPoolId) == identityId, Timeout));
            }
            using (var second = new SettingsAwsCredentials(Emulator.UnauthPoolId))
            {
                Assert.AreEqual(identityId, Await(second.GetIdentityIdAsync()));
                Assert.AreEqual(1, Emulator.Count("GetId"), "the second object got the id from the override");
                second.ClearIdentityCache(); // not overridden: the engine forgets
                Assert.AreNotEqual(identityId, Await(second.GetIdentityIdAsync()));
            }
            DocSnippets.AppSettings.Remove("Facade:IdentityId:" + Emulator.UnauthPoolId);
        }

        [Test]
        public void Facade_BaseRefreshIdentityAsync_WithoutAnOverride_IsNotSupported()
        {
            using (var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.UnauthPoolId, Amazon.RegionEndpoint.USEast1))
            {
                Assert.IsInstanceOf<NotSupportedException>(FailureOf(credentials.RefreshIdentityAsync()));
                Assert.AreEqual(0, Emulator.Count("GetId"));
            }
        }

        [Test]
        public void Facade_Dispose_EndsCallsAndLaterUse()
        {
            var credentials = new CognitoNative.AwsSdk.CognitoAWSCredentials(Emulator.UnauthPoolId, Amazon.RegionEndpoint.USEast1);
            credentials.Dispose();
            Assert.Throws<ObjectDisposedException>(() => credentials.GetCachedIdentityId());
            Assert.Throws<ObjectDisposedException>(() => credentials.GetCredentialsAsync());
        }

        /// <summary>Every kind of the library's errors becomes the AWS SDK's exception of its service:
        /// Cognito Identity's (1-9, and unknown service errors), STS's (20-29), a user pool's (30-48) as
        /// AWS's base type, and the local ones (50+) as AmazonClientException; with the details kept.</summary>
        [Test]
        public void Translate_GivesEveryKindItsAwsExceptionType()
        {
            var translate = typeof(CognitoNative.AwsSdk.CognitoAWSCredentials).Assembly.GetType("CognitoNative.AwsSdk.AwsBridge", true)
                .GetMethod("Translate", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic);
            foreach (CognitoErrorKind kind in Enum.GetValues(typeof(CognitoErrorKind)))
            {
                if (kind == CognitoErrorKind.None || kind == CognitoErrorKind.Cancelled)
                {
                    continue; // never an error of a call (cancellation is OperationCanceledException)
                }
                var engine = new global::CognitoNative.AmazonCognitoIdentityException("m", kind, "Code" + (int)kind, true, "req");
                var e = (Exception)translate.Invoke(null, new object[] { engine });
                var n = (int)kind;
                Assert.AreSame(engine, e.InnerException, kind.ToString());
                Assert.AreEqual("m", e.Message);
                if (n < 50)
                {
                    var service = (Amazon.Runtime.AmazonServiceException)e;
                    Assert.AreEqual("Code" + n, service.ErrorCode, kind.ToString());
                    Assert.AreEqual("req", service.RequestId);
                    Assert.AreEqual(engine.StatusCode, service.StatusCode);
                    Assert.AreEqual((int)engine.ErrorType, (int)service.ErrorType);
                    if (n < 10 || n == 49)
                    {
                        Assert.IsInstanceOf<AmazonCognitoIdentityException>(e, kind.ToString());
                        Assert.AreEqual(kind, ((AmazonCognitoIdentityException)e).ErrorKind);
                        Assert.IsNotNull(service.Retryable);
                    }
                    else if (n < 30)
                    {
                        Assert.IsInstanceOf<AmazonSecurityTokenServiceException>(e, kind.ToString());
                        Assert.IsNotNull(service.Retryable);
                    }
                    else
                    {
                        Assert.AreEqual(typeof(Amazon.Runtime.AmazonServiceException), e.GetType(), kind.ToString());
                    }
                    if (n < 30 && n != 49 && n != 24 && n != 25)
                    {
                        StringAssert.EndsWith(kind == CognitoErrorKind.IdpCommunicationError ? "IDPCommunicationErrorException"
                            : kind == CognitoErrorKind.IdpRejectedClaim ? "IDPRejectedClaimException" : kind + "Exception",
                            e.GetType().Name, "AWS's class name");
                    }
                }
                else
                {
                    var client = (CognitoClientException)e;
                    Assert.AreEqual(kind, client.ErrorKind);
                    Assert.AreEqual("Code" + n, client.ErrorCode);
                    Assert.IsTrue(client.IsRetryable);
                }
            }
        }

        private static void AssertServiceError(
            Amazon.Runtime.AmazonServiceException e, string code, HttpStatusCode status, Amazon.Runtime.ErrorType type)
        {
            Assert.AreEqual(code, e.ErrorCode);
            Assert.AreEqual(status, e.StatusCode);
            Assert.AreEqual(type, e.ErrorType);
            Assert.IsNotNull(e.RequestId);
            Assert.IsInstanceOf<global::CognitoNative.AmazonCognitoIdentityException>(e.InnerException);
        }

        /// <summary>GC.GetAllocatedBytesForCurrentThread where the runtime has it (Mono 6 and .NET Core do,
        /// the 4.7.1 reference assemblies do not show it), as a delegate (no boxing).</summary>
        private static Func<long> AllocatedBytesOfThisThread()
        {
            var method = typeof(GC).GetMethod("GetAllocatedBytesForCurrentThread", Type.EmptyTypes);
            return method == null ? null : (Func<long>)Delegate.CreateDelegate(typeof(Func<long>), method);
        }
    }
}
