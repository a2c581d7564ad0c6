using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;

namespace CognitoNative.Tests.Parity
{
    /// <summary>
    /// Our assemblies against the list of AWS's members (csharp/tests/parity/aws-members.tsv): same names,
    /// signatures and modifiers unless the list says otherwise and why; and the README's parity table is
    /// the one generated from the list. No emulator needed.
    /// </summary>
    [TestFixture]
    public class ParityTests
    {
        private const string Begin = "<!-- parity table: generated from csharp/tests/parity/aws-members.tsv by ParityTests; COGNITO_UPDATE_PARITY=1 scripts/csharp-tests.sh rewrites it -->";
        private const string End = "<!-- end of parity table -->";

        internal static readonly Dictionary<string, Type> CoreOwners = new Dictionary<string, Type>
        {
            { "CognitoAWSCredentials", typeof(CognitoNative.CognitoAWSCredentials) },
            { "CognitoAWSCredentials.IdentityChangedArgs", typeof(CognitoNative.CognitoAWSCredentials.IdentityChangedArgs) },
            { "CognitoAWSCredentials.IdentityState", typeof(CognitoNative.CognitoAWSCredentials.IdentityState) },
            { "ImmutableCredentials", typeof(CognitoNative.ImmutableCredentials) },
            { "AmazonCognitoIdentityException", typeof(CognitoNative.AmazonCognitoIdentityException) },
            { "RetryableDetails", typeof(CognitoNative.RetryableDetails) },
            { "ErrorType", typeof(CognitoNative.ErrorType) },
        };

        internal static readonly Dictionary<string, Type> FacadeOwners = new Dictionary<string, Type>
        {
            { "CognitoAWSCredentials", typeof(CognitoNative.AwsSdk.CognitoAWSCredentials) },
            { "CognitoAWSCredentials.IdentityChangedArgs", typeof(CognitoNative.AwsSdk.CognitoAWSCredentials.IdentityChangedArgs) },
            { "CognitoAWSCredentials.IdentityState", typeof(CognitoNative.AwsSdk.CognitoAWSCredentials.IdentityState) },
            { "AmazonCognitoIdentityException", typeof(CognitoNative.AwsSdk.AmazonCognitoIdentityException) },
        };

        /// <summary>AWS's types as the core has them.</summary>
        internal static readonly List<KeyValuePair<string, string>> CoreTypes = new List<KeyValuePair<string, string>>
        {
            Pair("Amazon.CognitoIdentity.CognitoAWSCredentials", "CognitoNative.CognitoAWSCredentials"),
            Pair("Amazon.CognitoIdentity.AmazonCognitoIdentityCallback", "CognitoNative.AmazonCognitoIdentityCallback"),
            Pair("Amazon.Runtime.AsyncOptions", "CognitoNative.AsyncOptions"),
            Pair("Amazon.RegionEndpoint", "CognitoNative.RegionEndpoint"),
            Pair("Amazon.Runtime.ImmutableCredentials", "CognitoNative.ImmutableCredentials"),
            Pair("Amazon.Runtime.ErrorType", "CognitoNative.ErrorType"),
            Pair("Amazon.Runtime.RetryableDetails", "CognitoNative.RetryableDetails"),
        };

        /// <summary>The facade keeps AWS's types; only the class is ours.</summary>
        internal static readonly List<KeyValuePair<string, string>> FacadeTypes = new List<KeyValuePair<string, string>>
        {
            Pair("Amazon.CognitoIdentity.CognitoAWSCredentials", "CognitoNative.AwsSdk.CognitoAWSCredentials"),
        };

        /// <summary>The fake stands for AWS's class.</summary>
        private static readonly List<KeyValuePair<string, string>> FakeTypes = new List<KeyValuePair<string, string>>
        {
            Pair("Amazon.CognitoIdentity.CognitoAWSCredentials", "CognitoNative.Tests.Parity.Fakes.CognitoAWSCredentials"),
        };

        private static string ListPath
        {
            get { return Path.Combine(Repo.Root, "csharp", "tests", "parity", "aws-members.tsv"); }
        }

        private static string ReadmePath
        {
            get { return Path.Combine(Repo.Root, "README.md"); }
        }

        [Test]
        public void TheCore_HasAwsMembersAsListed()
        {
            AssertNoDifferences(Comparer.Differences(Entry.Read(ListPath), "core", CoreOwners, CoreTypes));
        }

        [Test]
        public void TheAwsSdkFacade_HasAwsMembersAsListed()
        {
            AssertNoDifferences(Comparer.Differences(Entry.Read(ListPath), "facade", FacadeOwners, FacadeTypes));
        }

        [Test]
        public void EveryDifferenceFromAws_HasAReason()
        {
            foreach (var e in Entry.Read(ListPath).Where(e => e.InAws))
            {
                foreach (var ours in new[] { e.Core, e.Facade })
                {
                    if (ours == "n/a")
                    {
                        continue;
                    }
                    var expected = e.Expected(ours);
                    var differs = expected == null || (expected != e.V37 && expected != e.V4)
                        || (e.V37 != "-" && e.V4 != "-" && e.V37 != e.V4);
                    if (differs && string.IsNullOrEmpty(e.Note))
                    {
                        Assert.Fail("line " + e.Line + ": " + e.Owner + "." + e.Member + " differs from AWS (" + ours + ") without a note");
                    }
                }
            }
        }

        [Test]
        public void TheReadmeTable_IsTheOneGeneratedFromTheList()
        {
            var table = Table.Markdown(Entry.Read(ListPath));
            var readme = File.ReadAllText(ReadmePath);
            var begin = readme.IndexOf(Begin, StringComparison.Ordinal);
            var end = readme.IndexOf(End, StringComparison.Ordinal);
            Assert.IsTrue(begin >= 0 && end > begin, "README.md has no parity table markers");
            var current = readme.Substring(begin + Begin.Length, end - begin - Begin.Length).Trim('\n');
            if (current == table.Trim('\n'))
            {
                return;
            }
            if (Environment.GetEnvironmentVariable("COGNITO_UPDATE_PARITY") == "1")
            {
                File.WriteAllText(ReadmePath, readme.Substring(0, begin + Begin.Length) + "\n" + table + readme.Substring(end));
                Assert.Pass("README.md's parity table rewritten");
            }
            Assert.Fail("README.md's parity table is stale: run COGNITO_UPDATE_PARITY=1 scripts/csharp-tests.sh");
        }

        /// <summary>The checker itself: a class with a member missing, one whose virtual-ness and
        /// accessibility differ, and one AWS does not have, is caught on all three.</summary>
        [Test]
        public void TheComparer_CatchesAMissingMemberADifferenceAndAnUnlistedOne()
        {
            var entries = Entry.Read(ListPath);
            var owners = new Dictionary<string, Type> { { "CognitoAWSCredentials", typeof(Fakes.CognitoAWSCredentials) } };
            var differences = Comparer.Differences(entries, "core", owners, FakeTypes);
            Assert.IsTrue(differences.Any(d => d.Contains("missing in core") && d.Contains("GetCachedIdentityId()")), string.Join("\n", differences));
            Assert.IsTrue(differences.Any(d => d.Contains("RefreshIdentityAsync()") && d.Contains("[protected virtual], the list says [public virtual]")), string.Join("\n", differences));
            Assert.IsTrue(differences.Any(d => d.StartsWith("not in the list") && d.Contains("GetCachedIdentityId(bool)")), string.Join("\n", differences));
        }

        [Test]
        public void TheComparer_CatchesAMemberListedAsLeftOutThatExists()
        {
            var entries = Entry.Read(ListPath);
            var owners = new Dictionary<string, Type> { { "CognitoAWSCredentials", typeof(Fakes.CognitoAWSCredentials) } };
            var differences = Comparer.Differences(entries, "core", owners, FakeTypes);
            Assert.IsTrue(differences.Any(d => d.Contains("listed as left out") && d.Contains("ShouldUpdate")), string.Join("\n", differences));
        }

        private static void AssertNoDifferences(List<string> differences)
        {
            if (differences.Count > 0)
            {
                Assert.Fail(differences.Count + " difference(s) from csharp/tests/parity/aws-members.tsv:\n" + string.Join("\n", differences));
            }
        }

        private static KeyValuePair<string, string> Pair(string aws, string ours)
        {
            return new KeyValuePair<string, string>(aws, ours);
        }
    }
}

namespace CognitoNative.Tests.Parity.Fakes
{
    /// <summary>A CognitoAWSCredentials as it was before: RefreshIdentityAsync protected, no identity
    /// cache hooks; plus a member AWS does not have and one the list says is left out.</summary>
    public class CognitoAWSCredentials
    {
        public class IdentityState
        {
        }

        protected bool ShouldUpdate
        {
            get { return false; }
        }

        public string GetCachedIdentityId(bool fromStore)
        {
            return null;
        }

        protected virtual Task<IdentityState> RefreshIdentityAsync()
        {
            return null;
        }
    }
}
