using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// Cognito's request quotas from C# (issue 16): <see cref="CognitoTransportOptions.RateLimits"/> (of CognitoOptions) reaches the
    /// library (refused when wrong, pacing requests to the emulator's quotas when asked to), and
    /// <see cref="CognitoRuntime.GetStatistics"/> shows what was sent. The limiter is the process's, per
    /// quota and region: each test that paces requests uses a region of its own (the emulator ignores it).
    /// </summary>
    [TestFixture]
    public class QuotaTests : EmulatorTest
    {
        private static CognitoOptions Limited(CognitoRateLimits limits)
        {
            var options = Emulator.Options();
            options.RateLimits = limits;
            return options;
        }

        private static CognitoAWSCredentials Guest(RegionEndpoint region, CognitoOptions options)
        {
            return new CognitoAWSCredentials(Emulator.UnauthPoolId, region, options);
        }

        [Test]
        public void RateLimits_TheLibraryRefusesAtConstruction()
        {
            var refused = new Dictionary<string, CognitoRateLimits>
            {
                { "an unknown quota", Rates("GetIdentity", 10) },
                { "a rate of 0", Rates("GetId", 0) },
                { "a negative rate", Rates("GetId", -1) },
                { "a rate above 100,000/s", Rates("GetCredentialsForIdentity", 100001) },
                { "no wait at all", new CognitoRateLimits { MaxWait = TimeSpan.Zero } },
            };
            foreach (var bad in refused)
            {
                var e = Assert.Throws<ArgumentException>(() => Guest(Limited(bad.Value)).Dispose(), bad.Key);
                Assert.IsInstanceOf<InvalidConfigurationException>(e.InnerException, bad.Key);
            }
            var unknown = Assert.Throws<ArgumentException>(() => Guest(Limited(Rates("GetIdentity", 10))).Dispose());
            StringAssert.Contains("\"GetIdentity\" is not a Cognito quota", unknown.InnerException.Message);

            // The user pools' options too (sign-in is the UserAuthentication quota).
            var pool = new CognitoUserPoolOptions { Endpoint = Emulator.Url, AllowHttpLoopback = true, UseEnvironment = false };
            pool.RateLimits = Rates("UserAuthentication", -5);
            var p = Assert.Throws<ArgumentException>(() => new CognitoUserPool("us-east-1_EmuPool1", "emulatorpublicclient00001", null, pool).Dispose());
            Assert.IsInstanceOf<InvalidConfigurationException>(p.InnerException);
        }

        [Test]
        public void RateLimits_WhatJsonCannotCarryIsRefusedByCSharp()
        {
            var refused = new Dictionary<string, CognitoRateLimits>
            {
                { "NaN", Rates("GetId", double.NaN) },
                { "infinity", Rates("GetId", double.PositiveInfinity) },
                { "a negative wait", new CognitoRateLimits { MaxWait = TimeSpan.FromSeconds(-1) } },
                { "a negative warning time", new CognitoRateLimits { WarnAfter = TimeSpan.FromSeconds(-1) } },
                { "an undefined Limiting", new CognitoRateLimits { Limiting = (CognitoRateLimiting)7 } },
            };
            foreach (var bad in refused)
            {
                var e = Assert.Throws<ArgumentException>(() => Guest(Limited(bad.Value)).Dispose(), bad.Key);
                StringAssert.StartsWith("CognitoRateLimits.", e.Message, bad.Key);
            }
        }

        [Test]
        public void RateLimits_AcceptedOnesWorkAndAreCopiedWithTheOptions()
        {
            var limits = new CognitoRateLimits
            {
                Limiting = CognitoRateLimiting.Aws,
                MaxWait = TimeSpan.FromSeconds(60),
                WarnAfter = TimeSpan.FromSeconds(1),
            };
            limits.Rates["GetId"] = 100;
            limits.Rates["GetCredentialsForIdentity"] = 0.5; // not applied: requests to the emulator
            limits.Rates["UserAuthentication"] = 1e5;
            var options = Limited(limits);
            var copy = options.Clone();
            limits.Rates["GetId"] = -1; // after the copy: not the copy's
            Assert.AreEqual(100, copy.RateLimits.Rates["GetId"]);
            using (var credentials = Guest(copy))
            {
                StringAssert.StartsWith("ASIA", Await(credentials.GetCredentialsAsync()).AccessKey);
            }
            var pool = new CognitoUserPoolOptions { Endpoint = Emulator.Url, AllowHttpLoopback = true, UseEnvironment = false, RateLimits = copy.RateLimits };
            new CognitoUserPool("us-east-1_EmuPool1", "emulatorpublicclient00001", null, pool).Dispose();
        }

        [Test]
        public void RateLimits_Always_PacesALoginStormUnderTheEmulatorsQuota()
        {
            // The emulator allows GetId 4/s (a bucket of 4); the library is told 3/s and paces all requests:
            // 8 guests at once all succeed, none throttled, the later ones having waited for their slot.
            var region = RegionEndpoint.USWest2;
            Emulator.Quota("GetId", 4);
            try
            {
                var limits = new CognitoRateLimits { Limiting = CognitoRateLimiting.Always };
                limits.Rates["GetId"] = 3;
                var before = CognitoRuntime.GetStatistics().Operation("GetId");
                var players = Enumerable.Range(0, 8).Select(_ => Guest(region, Limited(limits))).ToList();
                try
                {
                    var ids = players.Select(p => p.GetIdentityIdAsync()).ToArray();
                    Assert.IsTrue(Task.WaitAll(ids, Timeout), "the storm did not finish");
                    Assert.AreEqual(8, ids.Select(t => t.Result).Distinct().Count());
                }
                finally
                {
                    players.ForEach(p => p.Dispose());
                }
                var after = CognitoRuntime.GetStatistics().Operation("GetId");
                Assert.AreEqual(0, Emulator.Throttled("GetId"), "paced under the quota: nothing throttled");
                Assert.AreEqual(8, Emulator.Count("GetId"));
                Assert.AreEqual(8, after.Sent - before.Sent);
                Assert.AreEqual(8, after.Succeeded - before.Succeeded);
                Assert.AreEqual(0, after.Throttled - before.Throttled);
                Assert.AreEqual(0, after.Retries - before.Retries);
                Assert.That(after.Waited - before.Waited, Is.GreaterThanOrEqualTo(4), "8 requests at 3/s: most wait");
                Assert.That(after.WaitMax, Is.GreaterThan(TimeSpan.FromMilliseconds(500)));
                Assert.That(after.WaitTotal - before.WaitTotal, Is.GreaterThanOrEqualTo(after.WaitMax - before.WaitMax));

                // The same storm without the limiter (and without retries) is throttled by the emulator.
                Emulator.Reset();
                Emulator.Quota("GetId", 4); // full again
                var never = new CognitoRateLimits { Limiting = CognitoRateLimiting.Never };
                var unpaced = Limited(never);
                unpaced.MaxAttempts = 1;
                var burst = Enumerable.Range(0, 8).Select(_ => Guest(region, unpaced)).ToList();
                try
                {
                    var ids = burst.Select(p => p.GetIdentityIdAsync()).ToArray();
                    Assert.IsTrue(ids.All(WaitQuietly));
                    Assert.That(ids.Count(t => t.IsFaulted), Is.GreaterThanOrEqualTo(1));
                    foreach (var failed in ids.Where(t => t.IsFaulted))
                    {
                        Assert.IsInstanceOf<TooManyRequestsException>(failed.Exception.InnerException);
                    }
                }
                finally
                {
                    burst.ForEach(p => p.Dispose());
                }
                Assert.That(Emulator.Throttled("GetId"), Is.GreaterThanOrEqualTo(1));
                Assert.That(CognitoRuntime.GetStatistics().Operation("GetId").Throttled - after.Throttled, Is.GreaterThanOrEqualTo(1));
            }
            finally
            {
                Emulator.Quota("GetId", null);
            }
        }

        [Test]
        public void RateLimits_MaxWait_FailsWithTooManyRequestsWithoutSending()
        {
            // One GetId per 10 s, and no waiting longer than 200 ms: of 3 at once, at most one goes out.
            var limits = new CognitoRateLimits { Limiting = CognitoRateLimiting.Always, MaxWait = TimeSpan.FromMilliseconds(200) };
            limits.Rates["GetId"] = 0.1;
            var before = CognitoRuntime.GetStatistics().Operation("GetId");
            var players = Enumerable.Range(0, 3).Select(_ => Guest(RegionEndpoint.EUWest1, Limited(limits))).ToList();
            try
            {
                var ids = players.Select(p => p.GetIdentityIdAsync()).ToArray();
                Assert.IsTrue(ids.All(WaitQuietly));
                var failed = ids.Where(t => t.IsFaulted).ToList();
                Assert.That(failed.Count, Is.GreaterThanOrEqualTo(2));
                foreach (var f in failed)
                {
                    var e = (TooManyRequestsException)f.Exception.InnerException;
                    StringAssert.Contains("GetId quota", e.Message);
                    Assert.IsNull(e.Retryable, "the library gave up: retrying it would queue again");
                }
                var after = CognitoRuntime.GetStatistics().Operation("GetId");
                Assert.AreEqual(3 - failed.Count, Emulator.Count("GetId"), "the ones that gave up were never sent");
                Assert.AreEqual(3 - failed.Count, after.Sent - before.Sent);
                Assert.AreEqual(failed.Count, after.WaitTimeouts - before.WaitTimeouts);
            }
            finally
            {
                players.ForEach(p => p.Dispose());
            }
        }

        [Test]
        public void GetStatistics_CountsAGuestsRequestsAndCachedReads()
        {
            var before = CognitoRuntime.GetStatistics();
            using (var credentials = Guest())
            {
                var first = Await(credentials.GetCredentialsAsync());
                for (var i = 0; i < 3; i++)
                {
                    Assert.AreEqual(first, credentials.GetCredentials());
                }
            }
            var after = CognitoRuntime.GetStatistics();
            foreach (var op in new[] { "GetId", "GetCredentialsForIdentity" })
            {
                Assert.AreEqual(1, after.Operation(op).Sent - before.Operation(op).Sent, op);
                Assert.AreEqual(1, after.Operation(op).Succeeded - before.Operation(op).Succeeded, op);
                Assert.AreEqual(before.Operation(op).Failed, after.Operation(op).Failed, op);
                Assert.AreEqual(Emulator.Count(op), after.Operation(op).Sent - before.Operation(op).Sent, op);
            }
            Assert.AreEqual(1, after.CredentialsFetches - before.CredentialsFetches);
            Assert.That(after.CacheHits - before.CacheHits, Is.GreaterThanOrEqualTo(3));
            Assert.IsTrue(after.Operations.ContainsKey("GetId"));
            Assert.AreEqual(0, after.Operation("NeverSent").Sent);
            Assert.AreEqual(after.Json, after.ToString());
            StringAssert.Contains("\"GetCredentialsForIdentity\"", after.Json);
        }

        [Test]
        public void GetStatistics_CountsThrottlesAndRetries()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"throttle\",\"times\":1}");
            var before = CognitoRuntime.GetStatistics().Operation("GetId");
            var options = Emulator.Options();
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            using (var credentials = Guest(options))
            {
                Await(credentials.GetIdentityIdAsync());
            }
            var after = CognitoRuntime.GetStatistics().Operation("GetId");
            Assert.AreEqual(2, after.Sent - before.Sent);
            Assert.AreEqual(1, after.Throttled - before.Throttled);
            Assert.AreEqual(1, after.Retries - before.Retries);
            Assert.AreEqual(1, after.Succeeded - before.Succeeded);
            Assert.AreEqual(before.Failed, after.Failed);
        }

        [Test]
        public void GetStatistics_ShowsARequestInFlight()
        {
            Emulator.Fault("{\"op\":\"GetId\",\"fault\":\"hang\"}");
            var baseline = CognitoRuntime.GetStatistics();
            var options = Emulator.Options();
            options.MaxAttempts = 1;
            options.AttemptTimeout = TimeSpan.FromSeconds(2); // however the cancel ends the request
            var credentials = Guest(options);
            try
            {
                var id = credentials.GetIdentityIdAsync();
                WaitUntil(() => CognitoRuntime.GetStatistics().InFlight > baseline.InFlight, "the GetId in flight");
                Assert.IsFalse(id.IsCompleted);
                Assert.AreEqual(1, CognitoRuntime.GetStatistics().Operation("GetId").Sent - baseline.Operation("GetId").Sent);
            }
            finally
            {
                credentials.Dispose(); // cancels it
            }
            WaitUntil(() => CognitoRuntime.GetStatistics().InFlight == baseline.InFlight, "the cancelled request to leave");
        }

        [Test]
        public void Statistics_Parse_ReadsTheLibrarysForm()
        {
            var s = CognitoStatistics.Parse(
                "{\"operations\":{\"GetId\":{\"sent\":3,\"succeeded\":2,\"throttled\":1,\"failed\":0,\"retries\":1,"
                + "\"waited\":2,\"wait_total_ms\":1500,\"wait_max_ms\":1000,\"wait_timeouts\":0,\"later\":[1,{}]}},"
                + "\"cache_hits\":10,\"credentials_fetches\":2,\"in_flight\":1,\"queued\":4,\"added_later\":{\"x\":null}}");
            var getId = s.Operation("GetId");
            Assert.AreEqual(new long[] { 3, 2, 1, 0, 1, 2, 0 }, new[] { getId.Sent, getId.Succeeded, getId.Throttled, getId.Failed, getId.Retries, getId.Waited, getId.WaitTimeouts });
            Assert.AreEqual(TimeSpan.FromMilliseconds(1500), getId.WaitTotal);
            Assert.AreEqual(TimeSpan.FromSeconds(1), getId.WaitMax);
            Assert.AreEqual(new long[] { 10, 2, 1, 4 }, new[] { s.CacheHits, s.CredentialsFetches, s.InFlight, s.Queued });
            Assert.AreEqual(1, s.Operations.Count);
            StringAssert.StartsWith("sent=3 succeeded=2 throttled=1", getId.ToString());

            // What the library gives now reads back the same.
            var live = CognitoRuntime.GetStatistics();
            var again = CognitoStatistics.Parse(live.Json);
            Assert.AreEqual(live.CacheHits, again.CacheHits);
            Assert.AreEqual(live.Operations.Keys.ToArray(), again.Operations.Keys.ToArray());
        }

        [Test]
        public void Statistics_Parse_RefusesWhatIsNotTheLibrarysForm()
        {
            const string Op = "{\"sent\":1,\"succeeded\":1,\"throttled\":0,\"failed\":0,\"retries\":0,\"waited\":0,\"wait_total_ms\":0,\"wait_max_ms\":0,\"wait_timeouts\":0}";
            const string Rest = ",\"cache_hits\":0,\"credentials_fetches\":0,\"in_flight\":0,\"queued\":0}";
            Assert.DoesNotThrow(() => CognitoStatistics.Parse("{\"operations\":{\"GetId\":" + Op + "}" + Rest));
            var bad = new[]
            {
                "",
                "   ",
                "null",
                "[]",
                "{",
                "{\"operations\":{}" + Rest + " x",
                "{\"operations\":{}" + Rest + "}",
                "{\"operations\":{},\"cache_hits\":0}",
                "{\"operations\":[]" + Rest,
                "{\"operations\":{\"GetId\":1}" + Rest,
                "{\"operations\":{\"GetId\":" + Op.Replace("\"sent\":1", "\"sent\":-1") + "}" + Rest,
                "{\"operations\":{\"GetId\":" + Op.Replace("\"sent\":1", "\"sent\":1.5") + "}" + Rest,
                "{\"operations\":{\"GetId\":" + Op.Replace("\"sent\":1", "\"sent\":\"1\"") + "}" + Rest,
                "{\"operations\":{\"GetId\":" + Op.Replace("\"sent\":1", "\"sent\":99999999999999999999") + "}" + Rest,
                "{\"operations\":{\"GetId\":" + Op.Replace(",\"wait_timeouts\":0", "") + "}" + Rest,
                "{\"operations\":{\"GetId\":" + Op + ",\"GetId\":" + Op + "}" + Rest,
                "{\"operations\":{}" + Rest.Replace("\"queued\":0", "\"queued\":01"),
                "{\"operations\":{}" + Rest.Replace("\"queued\":0", "\"queued\":true"),
                "{'operations':{}" + Rest,
                "{\"operations\":{\"Get\\qId\":" + Op + "}" + Rest,
                "{\"operations\":{\"GetId\u0001\":" + Op + "}" + Rest,
                "{\"operations\":{}" + Rest.Replace("}", ",}"),
                new string('[', 100) + new string(']', 100),
                "{\"operations\":{\"GetId\":" + Op.Replace("\"wait_max_ms\":0", "\"wait_max_ms\":9223372036854775807") + "}" + Rest,
            };
            foreach (var json in bad)
            {
                Assert.Throws<FormatException>(() => CognitoStatistics.Parse(json), json);
            }
            Assert.Throws<ArgumentNullException>(() => CognitoStatistics.Parse(null));
        }

        private static CognitoRateLimits Rates(string quota, double rate)
        {
            var limits = new CognitoRateLimits();
            limits.Rates[quota] = rate;
            return limits;
        }
    }
}
