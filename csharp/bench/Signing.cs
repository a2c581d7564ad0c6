// P9, the signing cost (benches/signing.py), from C#: ns per signed request with valid cached credentials,
// through CognitoSigning.TrySignCached (header signing) and TryPresignCached (a presigned URL), on the
// requests the driver gives; marshalling both ways included. Needs an emulator (or real pool) to fetch the
// credentials once. Prints one JSON line.
//   mono SigningBench.exe <endpoint-url> <identity-pool-id> --s3-url URL --ddb-url URL --ddb-target T
//        --ddb-body JSON --presign-url URL [--expires 900] [--round-ms 100] [--rounds 5]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CognitoNative;

internal static class SigningBench
{
    private sealed class Series
    {
        public string Request;
        public Func<bool> Call;
        public long Iters;
        public readonly List<double> RoundsNs = new List<double>();
    }

    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: SigningBench.exe <endpoint-url> <identity-pool-id> --s3-url URL ...");
            return 2;
        }
        var flags = new Dictionary<string, string>();
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            flags[args[i]] = args[i + 1];
        }
        Func<string, string, string> flag = (name, fallback) =>
        {
            string value;
            if (flags.TryGetValue(name, out value))
            {
                return value;
            }
            if (fallback == null)
            {
                throw new ArgumentException(name + " is required");
            }
            return fallback;
        };
        var expires = TimeSpan.FromSeconds(int.Parse(flag("--expires", "900"), CultureInfo.InvariantCulture));
        var roundMs = double.Parse(flag("--round-ms", "100"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(flag("--rounds", "5"), CultureInfo.InvariantCulture);

        var options = new CognitoOptions
        {
            Endpoint = args[0],
            UseEnvironment = false,
            CaBundleFile = Environment.GetEnvironmentVariable("AWS_CA_BUNDLE"),
            IdentityStore = new MemoryIdentityStore(),
        };
        using (var credentials = new CognitoAWSCredentials(args[1], RegionEndpoint.USEast1, options))
        {
            credentials.GetCredentials(); // one network round trip

            var s3 = new SigningRequest("GET", flag("--s3-url", null), "s3") { UnsignedPayload = true };
            var ddb = new SigningRequest("POST", flag("--ddb-url", null), "dynamodb")
            {
                Body = Encoding.UTF8.GetBytes(flag("--ddb-body", null)),
            };
            ddb.AddHeader("content-type", "application/x-amz-json-1.0");
            ddb.AddHeader("x-amz-target", flag("--ddb-target", null));
            var get = new SigningRequest("GET", flag("--presign-url", null), "s3");
            Func<SigningRequest, bool> sign = request =>
            {
                SignedHeaders headers;
                return credentials.TrySignCached(request, out headers) && headers.Count > 0;
            };
            Func<SigningRequest, bool> presign = request =>
            {
                PresignedUrl url;
                return credentials.TryPresignCached(request, expires, out url) &&
                       url.AbsoluteUri.Contains("X-Amz-Signature=");
            };
            var series = new[]
            {
                new Series { Request = "s3_get", Call = () => sign(s3) },
                new Series { Request = "dynamodb_put", Call = () => sign(ddb) },
                new Series { Request = "s3_presign", Call = () => presign(get) },
            };

            // Warm-up (JIT) and calibration: one round's time each; then the rounds, the requests in turn.
            foreach (var s in series)
            {
                var clock = Stopwatch.StartNew();
                long n = 0;
                while (clock.Elapsed.TotalMilliseconds < roundMs)
                {
                    if (!s.Call())
                    {
                        Console.Error.WriteLine("SigningBench: " + s.Request + ": no signature (no cached credentials?)");
                        return 1;
                    }
                    n++;
                }
                s.Iters = Math.Max(1, n);
            }
            GC.Collect();
            var gen0 = GC.CollectionCount(0);
            for (var r = 0; r < rounds; r++)
            {
                foreach (var s in series)
                {
                    var clock = Stopwatch.StartNew();
                    for (long i = 0; i < s.Iters; i++)
                    {
                        if (!s.Call())
                        {
                            Console.Error.WriteLine("SigningBench: " + s.Request + ": no signature");
                            return 1;
                        }
                    }
                    clock.Stop();
                    s.RoundsNs.Add(clock.Elapsed.TotalMilliseconds * 1e6 / s.Iters);
                }
            }

            var json = new StringBuilder();
            json.Append("{\"peer\":\"cognito-native C#\",\"version\":\"").Append(CognitoRuntime.Version)
                .Append("\",\"scenario\":\"signing\",\"gen0_gcs\":")
                .Append((GC.CollectionCount(0) - gen0).ToString(CultureInfo.InvariantCulture))
                .Append(",\"series\":[");
            for (var i = 0; i < series.Length; i++)
            {
                var s = series[i];
                json.Append(i > 0 ? "," : "").Append("{\"request\":\"").Append(s.Request)
                    .Append("\",\"client\":\"csharp\",\"iters_per_round\":")
                    .Append(s.Iters.ToString(CultureInfo.InvariantCulture)).Append(",\"rounds_ns\":[");
                for (var r = 0; r < s.RoundsNs.Count; r++)
                {
                    json.Append(r > 0 ? "," : "").Append(s.RoundsNs[r].ToString("F1", CultureInfo.InvariantCulture));
                }
                json.Append("]}");
            }
            json.Append("]}");
            Console.WriteLine(json.ToString());
        }
        return 0;
    }
}
