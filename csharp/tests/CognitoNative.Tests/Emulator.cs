using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace CognitoNative.Tests
{
    /// <summary>
    /// The repository's Cognito Identity + STS emulator (<c>cognito-native emulate</c>) in a child process,
    /// driven through its admin API. Always stopped by <see cref="Dispose"/>.
    /// </summary>
    internal sealed class Emulator : IDisposable
    {
        public const string UserPoolProvider = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Test";

        private readonly Process _process;
        private bool _trustAnyCertificate;

        private Emulator(Process process, string line)
        {
            _process = process;
            Url = Field(line, "url");
            Region = Field(line, "region");
            UnauthPoolId = Field(line, "unauth_pool_id");
            AuthOnlyPoolId = Field(line, "auth_only_pool_id");
        }

        public string Url { get; private set; }
        public string Region { get; private set; }
        public string UnauthPoolId { get; private set; }
        public string AuthOnlyPoolId { get; private set; }

        /// <summary>Starts an emulator on a free port; builds the binary first if it is missing.</summary>
        public static Emulator Start(params string[] extraArgs)
        {
            var exe = Path.Combine(Repo.Root, "target", "debug", "cognito-native");
            if (!File.Exists(exe))
            {
                Run("cargo", "build -p cognito-cli", TimeSpan.FromMinutes(15));
            }
            var info = new ProcessStartInfo(exe, "emulate --port 0 " + string.Join(" ", extraArgs))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = false,
                WorkingDirectory = Repo.Root,
            };
            var process = Process.Start(info);
            try
            {
                var line = process.StandardOutput.ReadLineAsync();
                if (!line.Wait(TimeSpan.FromSeconds(30)) || line.Result == null)
                {
                    throw new InvalidOperationException("the emulator did not start");
                }
                return new Emulator(process, line.Result);
            }
            catch
            {
                Kill(process);
                throw;
            }
        }

        public static void Run(string file, string args, TimeSpan timeout)
        {
            using (var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, WorkingDirectory = Repo.Root }))
            {
                if (!p.WaitForExit((int)timeout.TotalMilliseconds))
                {
                    Kill(p);
                    throw new TimeoutException(file + " " + args + " timed out");
                }
                if (p.ExitCode != 0)
                {
                    throw new InvalidOperationException(file + " " + args + " failed: " + p.ExitCode);
                }
            }
        }

        /// <summary>Options pointing at this emulator, with the identity id kept in memory.</summary>
        public CognitoOptions Options()
        {
            return new CognitoOptions
            {
                Endpoint = Url,
                AllowHttpLoopback = true,
                UseEnvironment = false,
                IdentityStore = new MemoryIdentityStore(),
            };
        }

        /// <summary>Lets the admin API calls accept the test CA of an emulator started with --tls.</summary>
        public void Trust()
        {
            _trustAnyCertificate = true;
        }

        /// <summary>Clears counters and fault rules.</summary>
        public void Reset()
        {
            Post("/__emulator/reset", "{}");
        }

        /// <summary>Requests of <paramref name="operation"/> since the last reset.</summary>
        public int Count(string operation)
        {
            var m = Regex.Match(Get("/__emulator/stats"), "\"" + operation + "\":(\\d+)");
            return m.Success ? int.Parse(m.Groups[1].Value) : 0;
        }

        public int Total()
        {
            return int.Parse(Regex.Match(Get("/__emulator/stats"), "\"total\":(\\d+)").Groups[1].Value);
        }

        public void Fault(string json)
        {
            Post("/__emulator/faults", json);
        }

        public void ClearFaults()
        {
            Post("/__emulator/faults/clear", "{}");
        }

        /// <summary>Sets (a rate per second) or removes (null) the emulator's request quota of
        /// <paramref name="operation"/>; a bucket starts full. Not undone by <see cref="Reset"/>.</summary>
        public void Quota(string operation, double? rate)
        {
            Post(
                "/__emulator/quotas",
                "{\"" + operation + "\":" + (rate.HasValue ? rate.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "null") + "}");
        }

        /// <summary>Requests of <paramref name="operation"/> the emulator's quota throttled since the last reset.</summary>
        public int Throttled(string operation)
        {
            var m = Regex.Match(Get("/__emulator/quotas"), "\"throttled\":\\{[^}]*\"" + operation + "\":(\\d+)");
            return m.Success ? int.Parse(m.Groups[1].Value) : 0;
        }

        /// <summary>A user pool id token the emulator accepts.</summary>
        public string Token(string sub, int lifetimeSecs = 3600, string provider = UserPoolProvider)
        {
            var answer = Post(
                "/__emulator/tokens",
                "{\"provider\":\"" + provider + "\",\"sub\":\"" + sub + "\",\"lifetime_secs\":" + lifetimeSecs + "}");
            return Field(answer, "token");
        }

        public bool DeleteIdentity(string identityId)
        {
            return Post("/__emulator/identities/delete", "{\"identity_id\":\"" + identityId + "\"}").Contains("true");
        }

        public string Get(string path)
        {
            return Send("GET", path, null);
        }

        public string Post(string path, string json)
        {
            return Send("POST", path, json);
        }

        public void Dispose()
        {
            Kill(_process);
        }

        private string Send(string method, string path, string body)
        {
            var request = (HttpWebRequest)WebRequest.Create(Url + path);
            request.Method = method;
            request.Proxy = null;
            request.Timeout = 10000;
            request.ReadWriteTimeout = 10000;
            request.KeepAlive = false;
            if (_trustAnyCertificate)
            {
                request.ServerCertificateValidationCallback = (sender, certificate, chain, errors) => true;
            }
            if (body != null)
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                request.ContentType = "application/json";
                request.ContentLength = bytes.Length;
                using (var s = request.GetRequestStream())
                {
                    s.Write(bytes, 0, bytes.Length);
                }
            }
            using (var response = (HttpWebResponse)request.GetResponse())
            using (var reader = new StreamReader(response.GetResponseStream()))
            {
                return reader.ReadToEnd();
            }
        }

        private static string Field(string json, string name)
        {
            var m = Regex.Match(json, "\"" + name + "\":\"([^\"]*)\"");
            if (!m.Success)
            {
                throw new FormatException("no \"" + name + "\" in " + json);
            }
            return m.Groups[1].Value;
        }

        private static void Kill(Process process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            finally
            {
                process.Dispose();
            }
        }
    }

    /// <summary>Paths in the repository: <c>COGNITO_NATIVE_REPO</c> (set by scripts/csharp-tests.sh), else
    /// the first folder above the test assembly that holds <c>include/cognito_native.h</c>.</summary>
    internal static class Repo
    {
        private static readonly Lazy<string> RootPath = new Lazy<string>(FindRoot);

        public static string Root
        {
            get { return RootPath.Value; }
        }

        private static string FindRoot()
        {
            var fromEnv = Environment.GetEnvironmentVariable("COGNITO_NATIVE_REPO");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                if (!File.Exists(Path.Combine(fromEnv, "include", "cognito_native.h")))
                {
                    throw new DirectoryNotFoundException(
                        "COGNITO_NATIVE_REPO=" + fromEnv + " is not the repository: it has no include/cognito_native.h");
                }
                return fromEnv;
            }
            var dir = new DirectoryInfo(Path.GetDirectoryName(typeof(Repo).Assembly.Location));
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "include", "cognito_native.h")))
            {
                dir = dir.Parent;
            }
            if (dir == null)
            {
                throw new DirectoryNotFoundException("cannot find the repository root; set COGNITO_NATIVE_REPO");
            }
            return dir.FullName;
        }
    }
}
