using System;
using System.IO;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// One emulator for the whole run (started once, always stopped); every test starts from reset
    /// counters and no faults. <see cref="CognitoOptions.Default"/> points at the emulator so code written
    /// for the AWS SDK (the snippets) runs unchanged.
    /// </summary>
    [SetUpFixture]
    public class TestEnvironment
    {
        internal static Emulator Emulator { get; private set; }

        internal static string TempRoot { get; private set; }

        [SetUp]
        public void StartEmulator()
        {
            TempRoot = Path.Combine(Path.GetTempPath(), "cognito-native-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(TempRoot);
            Emulator = Emulator.Start();
            UseEmulatorByDefault();
        }

        [TearDown]
        public void StopEmulator()
        {
            if (Emulator != null)
            {
                Emulator.Dispose();
                Emulator = null;
            }
            try
            {
                Directory.Delete(TempRoot, true);
            }
            catch (IOException)
            {
            }
        }

        /// <summary>The process-wide defaults used by the tests (and restored after tests that change them).</summary>
        internal static void UseEmulatorByDefault()
        {
            CognitoOptions.Default = Emulator.Options();
        }
    }

    /// <summary>Base of the tests that talk to the emulator.</summary>
    public abstract class EmulatorTest
    {
        internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

        internal const string UnauthRole = "arn:aws:iam::123456789012:role/Cognito_Unauth";
        internal const string AuthRole = "arn:aws:iam::123456789012:role/Cognito_Auth";

        internal static Emulator Emulator
        {
            get { return TestEnvironment.Emulator; }
        }

        [SetUp]
        public void ResetEmulator()
        {
            TestEnvironment.UseEmulatorByDefault();
            Emulator.Reset();
        }

        /// <summary>Guest pool credentials against the emulator, with the identity id in memory.</summary>
        internal static CognitoAWSCredentials Guest(CognitoOptions options = null)
        {
            return new CognitoAWSCredentials(Emulator.UnauthPoolId, RegionEndpoint.USEast1, options ?? Emulator.Options());
        }

        internal static T Await<T>(Task<T> task)
        {
            Assert.IsTrue(WaitQuietly(task), "the task did not complete within " + Timeout);
            return task.GetAwaiter().GetResult();
        }

        internal static void Await(Task task)
        {
            Assert.IsTrue(WaitQuietly(task), "the task did not complete within " + Timeout);
            task.GetAwaiter().GetResult();
        }

        /// <summary>Waits (bounded) for the task to end in any state.</summary>
        internal static bool WaitQuietly(Task task)
        {
            try
            {
                return task.Wait(Timeout);
            }
            catch (AggregateException)
            {
                return true;
            }
        }

        /// <summary>The exception a faulted task ended with.</summary>
        internal static Exception FailureOf(Task task)
        {
            Assert.IsTrue(WaitQuietly(task), "the task did not complete within " + Timeout);
            Assert.IsTrue(task.IsFaulted, "expected a failure, the task is " + task.Status);
            return task.Exception.InnerException;
        }
    }
}
