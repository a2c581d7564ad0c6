// Cost of a cached read: CognitoAWSCredentials.GetCredentials() while the credentials are valid (the
// call a game makes before every AWS request). Needs an emulator (or real pool) to fetch them once.
//   mono CachedReadBench.exe <endpoint-url> [calls]
using System;
using System.Diagnostics;
using CognitoNative;

internal static class CachedReadBench
{
    private static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: CachedReadBench.exe <endpoint-url> [calls]");
            return 2;
        }
        var calls = args.Length > 1 ? int.Parse(args[1]) : 1000000;
        var options = new CognitoOptions
        {
            Endpoint = args[0],
            AllowHttpLoopback = true,
            UseEnvironment = false,
            IdentityStore = new MemoryIdentityStore(),
        };
        using (var credentials = new CognitoAWSCredentials(
            "us-east-1:00000000-0000-4000-8000-000000000001", RegionEndpoint.USEast1, options))
        {
            var first = credentials.GetCredentials(); // one network round trip
            for (var i = 0; i < 100000; i++) // warm-up: JIT, caches
            {
                credentials.GetCredentials();
            }
            GC.Collect();
            var gen0 = GC.CollectionCount(0);
            var clock = Stopwatch.StartNew();
            ImmutableCredentials last = null;
            for (var i = 0; i < calls; i++)
            {
                last = credentials.GetCredentials();
            }
            clock.Stop();
            if (!ReferenceEquals(first, last))
            {
                Console.Error.WriteLine("note: the credentials changed during the run");
            }
            var ns = clock.Elapsed.TotalMilliseconds * 1e6 / calls;
            Console.WriteLine(
                "GetCredentials() on valid cached credentials: {0:F0} ns/call ({1:N0} calls, {2} gen0 GCs, native {3})",
                ns, calls, GC.CollectionCount(0) - gen0, CognitoRuntime.Version);
        }
        return 0;
    }
}
