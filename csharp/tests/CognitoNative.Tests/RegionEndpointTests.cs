using System.Linq;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    [TestFixture]
    public class RegionEndpointTests
    {
        [Test]
        public void KnownRegions_HaveTheAwsSdkNamesAndPartitions()
        {
            Assert.AreEqual("us-east-1", RegionEndpoint.USEast1.SystemName);
            Assert.AreEqual("US East (N. Virginia) (us-east-1)", RegionEndpoint.USEast1.ToString());
            Assert.AreSame(RegionEndpoint.EUWest1, RegionEndpoint.GetBySystemName("eu-west-1"));
            Assert.AreSame(RegionEndpoint.CNNorthWest1, RegionEndpoint.GetBySystemName("cn-northwest-1"));
            Assert.AreEqual("aws-cn", RegionEndpoint.CNNorth1.PartitionName);
            Assert.AreEqual("amazonaws.com.cn", RegionEndpoint.CNNorth1.PartitionDnsSuffix);
            Assert.AreEqual("aws-us-gov", RegionEndpoint.USGovCloudWest1.PartitionName);
            Assert.That(RegionEndpoint.EnumerableAllRegions.Count(), Is.GreaterThanOrEqualTo(38));
        }

        [Test]
        public void UnknownRegions_AreCreatedAsTheAwsSdkDoes()
        {
            var region = RegionEndpoint.GetBySystemName("xx-future-9");
            Assert.AreEqual("xx-future-9", region.SystemName);
            Assert.AreEqual("Unknown", region.DisplayName);
        }

        [Test]
        public void ARegionOtherThanThePools_IsUsedForTheService()
        {
            // The pool id says us-east-1; the region argument wins, as in the AWS SDK (and is validated).
            using (var c = new CognitoAWSCredentials("us-east-1:00000000-0000-4000-8000-000000000001", RegionEndpoint.EUWest1, TestEnvironment.Emulator.Options()))
            {
                Assert.AreEqual("us-east-1:00000000-0000-4000-8000-000000000001", c.IdentityPoolId);
            }
        }
    }
}
