using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;

namespace CognitoNative.Tests
{
    /// <summary>
    /// moto (an independent implementation of Cognito user pools and identity pools, from
    /// <c>scripts/moto-env.sh</c>'s venv) on a free loopback port, set up by <c>tests/moto/setup_user_pool.py</c>
    /// (the pool the Rust tests use) and <c>csharp/tests/moto/mfa_user.py</c>; always stopped by
    /// <see cref="Dispose"/>. moto runs the message flow but does not check SRP proofs.
    /// </summary>
    internal sealed class Moto : IDisposable
    {
        private readonly Process _process;
        private readonly string _setup;

        private Moto(Process process, string url, string setup)
        {
            _process = process;
            Url = url;
            _setup = setup;
        }

        public string Url { get; private set; }

        /// <summary>A value of the set-up scripts' JSON (user_pool_id, client_id, secret_client_id,
        /// client_secret, confirmed, password, fresh, temporary_password, identity_pool_id, mfa_user,
        /// mfa_password).</summary>
        public string this[string name]
        {
            get
            {
                var m = Regex.Match(_setup, "\"" + name + "\": \"([^\"]*)\"");
                if (!m.Success)
                {
                    throw new FormatException("no \"" + name + "\" in the moto set-up");
                }
                return m.Groups[1].Value;
            }
        }

        public static Moto Start()
        {
            var venv = Output(Path.Combine(Repo.Root, "scripts", "moto-env.sh"), "", TimeSpan.FromMinutes(10)).Trim();
            int port;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var info = new ProcessStartInfo(Path.Combine(venv, "bin", "moto_server"), "-H 127.0.0.1 -p " + port)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(info);
            process.OutputDataReceived += (s, e) => { };
            process.ErrorDataReceived += (s, e) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var url = "http://127.0.0.1:" + port;
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (!Listening(port))
                {
                    if (DateTime.UtcNow > deadline || process.HasExited)
                    {
                        throw new InvalidOperationException("moto did not start");
                    }
                    Thread.Sleep(100);
                }
                var python = Path.Combine(venv, "bin", "python");
                var setup = Output(python, Quote(Path.Combine(Repo.Root, "tests", "moto", "setup_user_pool.py")) + " " + url, TimeSpan.FromSeconds(60));
                var pool = Regex.Match(setup, "\"user_pool_id\": \"([^\"]*)\"").Groups[1].Value;
                var mfa = Output(python, Quote(Path.Combine(Repo.Root, "csharp", "tests", "moto", "mfa_user.py")) + " " + url + " " + pool, TimeSpan.FromSeconds(60));
                return new Moto(process, url, setup + mfa);
            }
            catch
            {
                Stop(process);
                throw;
            }
        }

        /// <summary>User pool options pointing at moto.</summary>
        public CognitoUserPoolOptions PoolOptions()
        {
            return new CognitoUserPoolOptions { Endpoint = Url, AllowHttpLoopback = true, UseEnvironment = false, MaxAttempts = 1 };
        }

        /// <summary>Identity pool options pointing at moto.</summary>
        public CognitoOptions IdentityOptions()
        {
            return new CognitoOptions
            {
                Endpoint = Url,
                AllowHttpLoopback = true,
                UseEnvironment = false,
                MaxAttempts = 1,
                IdentityStore = new MemoryIdentityStore(),
            };
        }

        public void Dispose()
        {
            Stop(_process);
        }

        private static bool Listening(int port)
        {
            try
            {
                using (var client = new TcpClient())
                {
                    client.Connect(IPAddress.Loopback, port);
                    return true;
                }
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private static string Output(string file, string args, TimeSpan timeout)
        {
            var info = new ProcessStartInfo(file, args)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                WorkingDirectory = Repo.Root,
            };
            using (var p = Process.Start(info))
            {
                var output = p.StandardOutput.ReadToEndAsync();
                if (!p.WaitForExit((int)timeout.TotalMilliseconds))
                {
                    Stop(p);
                    throw new TimeoutException(file + " timed out");
                }
                if (p.ExitCode != 0)
                {
                    throw new InvalidOperationException(file + " " + args + " failed: " + p.ExitCode);
                }
                return output.Result;
            }
        }

        private static string Quote(string path)
        {
            return "\"" + path + "\"";
        }

        private static void Stop(Process process)
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
            }
            finally
            {
                process.Dispose();
            }
        }
    }
}
