// Points an assembly's reference to AWSSDK.Core at the real AWSSDK.Core: the bridge is compiled against
// a reference stub (csharp/tests/AwsSdkStub) that has AWS's public signatures but not AWS's strong name,
// so its reference lacks the public key token. AWS signs every AWSSDK.Core with the same key (token
// 885c28607f98e604) and versions the assembly 3.3.0.0 for all of v3 (4.0.0.0 for v4). Used by
// scripts/pack.sh on the packed copy of CognitoNative.AwsSdk.dll.
//   mono Retarget.exe IN.dll OUT.dll      rewrite the reference
//   mono Retarget.exe --show IN.dll       print the assembly's references
using System;
using System.Linq;
using Mono.Cecil;

internal static class Retarget
{
    private const string Name = "AWSSDK.Core";
    private static readonly Version AwsVersion = new Version(3, 3, 0, 0);
    private static readonly byte[] AwsPublicKeyToken = { 0x88, 0x5c, 0x28, 0x60, 0x7f, 0x98, 0xe6, 0x04 };

    private static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--show")
        {
            using (var module = ModuleDefinition.ReadModule(args[1]))
            {
                foreach (var reference in module.AssemblyReferences)
                {
                    Console.WriteLine(reference.FullName);
                }
            }
            return 0;
        }
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Retarget.exe IN.dll OUT.dll | --show IN.dll");
            return 2;
        }
        using (var module = ModuleDefinition.ReadModule(args[0]))
        {
            var reference = module.AssemblyReferences.SingleOrDefault(r => r.Name == Name);
            if (reference == null)
            {
                Console.Error.WriteLine(args[0] + " does not reference " + Name);
                return 1;
            }
            reference.Version = AwsVersion;
            reference.PublicKeyToken = AwsPublicKeyToken;
            module.Write(args[1]);
        }
        return 0;
    }
}
