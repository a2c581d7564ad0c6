using System;
using System.Collections.Generic;
using System.Globalization;

namespace CognitoNative
{
    /// <summary>
    /// An AWS region, with the names of <c>Amazon.RegionEndpoint</c> (so <c>RegionEndpoint.USEast1</c>
    /// in code written for the AWS SDK compiles unchanged): every public region, China and GovCloud.
    /// </summary>
    public sealed class RegionEndpoint
    {
        private static readonly Dictionary<string, RegionEndpoint> BySystemName =
            new Dictionary<string, RegionEndpoint>(StringComparer.OrdinalIgnoreCase);

        /// <summary>US East (N. Virginia): <c>us-east-1</c>.</summary>
        public static readonly RegionEndpoint USEast1 = Register("us-east-1", "US East (N. Virginia)");

        /// <summary>US East (Ohio): <c>us-east-2</c>.</summary>
        public static readonly RegionEndpoint USEast2 = Register("us-east-2", "US East (Ohio)");

        /// <summary>US West (N. California): <c>us-west-1</c>.</summary>
        public static readonly RegionEndpoint USWest1 = Register("us-west-1", "US West (N. California)");

        /// <summary>US West (Oregon): <c>us-west-2</c>.</summary>
        public static readonly RegionEndpoint USWest2 = Register("us-west-2", "US West (Oregon)");

        /// <summary>Africa (Cape Town): <c>af-south-1</c>.</summary>
        public static readonly RegionEndpoint AFSouth1 = Register("af-south-1", "Africa (Cape Town)");

        /// <summary>Asia Pacific (Hong Kong): <c>ap-east-1</c>.</summary>
        public static readonly RegionEndpoint APEast1 = Register("ap-east-1", "Asia Pacific (Hong Kong)");

        /// <summary>Asia Pacific (Taipei): <c>ap-east-2</c>.</summary>
        public static readonly RegionEndpoint APEast2 = Register("ap-east-2", "Asia Pacific (Taipei)");

        /// <summary>Asia Pacific (Tokyo): <c>ap-northeast-1</c>.</summary>
        public static readonly RegionEndpoint APNortheast1 = Register("ap-northeast-1", "Asia Pacific (Tokyo)");

        /// <summary>Asia Pacific (Seoul): <c>ap-northeast-2</c>.</summary>
        public static readonly RegionEndpoint APNortheast2 = Register("ap-northeast-2", "Asia Pacific (Seoul)");

        /// <summary>Asia Pacific (Osaka): <c>ap-northeast-3</c>.</summary>
        public static readonly RegionEndpoint APNortheast3 = Register("ap-northeast-3", "Asia Pacific (Osaka)");

        /// <summary>Asia Pacific (Mumbai): <c>ap-south-1</c>.</summary>
        public static readonly RegionEndpoint APSouth1 = Register("ap-south-1", "Asia Pacific (Mumbai)");

        /// <summary>Asia Pacific (Hyderabad): <c>ap-south-2</c>.</summary>
        public static readonly RegionEndpoint APSouth2 = Register("ap-south-2", "Asia Pacific (Hyderabad)");

        /// <summary>Asia Pacific (Singapore): <c>ap-southeast-1</c>.</summary>
        public static readonly RegionEndpoint APSoutheast1 = Register("ap-southeast-1", "Asia Pacific (Singapore)");

        /// <summary>Asia Pacific (Sydney): <c>ap-southeast-2</c>.</summary>
        public static readonly RegionEndpoint APSoutheast2 = Register("ap-southeast-2", "Asia Pacific (Sydney)");

        /// <summary>Asia Pacific (Jakarta): <c>ap-southeast-3</c>.</summary>
        public static readonly RegionEndpoint APSoutheast3 = Register("ap-southeast-3", "Asia Pacific (Jakarta)");

        /// <summary>Asia Pacific (Melbourne): <c>ap-southeast-4</c>.</summary>
        public static readonly RegionEndpoint APSoutheast4 = Register("ap-southeast-4", "Asia Pacific (Melbourne)");

        /// <summary>Asia Pacific (Malaysia): <c>ap-southeast-5</c>.</summary>
        public static readonly RegionEndpoint APSoutheast5 = Register("ap-southeast-5", "Asia Pacific (Malaysia)");

        /// <summary>Asia Pacific (New Zealand): <c>ap-southeast-6</c>.</summary>
        public static readonly RegionEndpoint APSoutheast6 = Register("ap-southeast-6", "Asia Pacific (New Zealand)");

        /// <summary>Asia Pacific (Thailand): <c>ap-southeast-7</c>.</summary>
        public static readonly RegionEndpoint APSoutheast7 = Register("ap-southeast-7", "Asia Pacific (Thailand)");

        /// <summary>Canada (Central): <c>ca-central-1</c>.</summary>
        public static readonly RegionEndpoint CACentral1 = Register("ca-central-1", "Canada (Central)");

        /// <summary>Canada West (Calgary): <c>ca-west-1</c>.</summary>
        public static readonly RegionEndpoint CAWest1 = Register("ca-west-1", "Canada West (Calgary)");

        /// <summary>Europe (Frankfurt): <c>eu-central-1</c>.</summary>
        public static readonly RegionEndpoint EUCentral1 = Register("eu-central-1", "Europe (Frankfurt)");

        /// <summary>Europe (Zurich): <c>eu-central-2</c>.</summary>
        public static readonly RegionEndpoint EUCentral2 = Register("eu-central-2", "Europe (Zurich)");

        /// <summary>Europe (Stockholm): <c>eu-north-1</c>.</summary>
        public static readonly RegionEndpoint EUNorth1 = Register("eu-north-1", "Europe (Stockholm)");

        /// <summary>Europe (Milan): <c>eu-south-1</c>.</summary>
        public static readonly RegionEndpoint EUSouth1 = Register("eu-south-1", "Europe (Milan)");

        /// <summary>Europe (Spain): <c>eu-south-2</c>.</summary>
        public static readonly RegionEndpoint EUSouth2 = Register("eu-south-2", "Europe (Spain)");

        /// <summary>Europe (Ireland): <c>eu-west-1</c>.</summary>
        public static readonly RegionEndpoint EUWest1 = Register("eu-west-1", "Europe (Ireland)");

        /// <summary>Europe (London): <c>eu-west-2</c>.</summary>
        public static readonly RegionEndpoint EUWest2 = Register("eu-west-2", "Europe (London)");

        /// <summary>Europe (Paris): <c>eu-west-3</c>.</summary>
        public static readonly RegionEndpoint EUWest3 = Register("eu-west-3", "Europe (Paris)");

        /// <summary>Israel (Tel Aviv): <c>il-central-1</c>.</summary>
        public static readonly RegionEndpoint ILCentral1 = Register("il-central-1", "Israel (Tel Aviv)");

        /// <summary>Middle East (UAE): <c>me-central-1</c>.</summary>
        public static readonly RegionEndpoint MECentral1 = Register("me-central-1", "Middle East (UAE)");

        /// <summary>Middle East (Bahrain): <c>me-south-1</c>.</summary>
        public static readonly RegionEndpoint MESouth1 = Register("me-south-1", "Middle East (Bahrain)");

        /// <summary>Mexico (Central): <c>mx-central-1</c>.</summary>
        public static readonly RegionEndpoint MXCentral1 = Register("mx-central-1", "Mexico (Central)");

        /// <summary>South America (Sao Paulo): <c>sa-east-1</c>.</summary>
        public static readonly RegionEndpoint SAEast1 = Register("sa-east-1", "South America (Sao Paulo)");

        /// <summary>China (Beijing): <c>cn-north-1</c>.</summary>
        public static readonly RegionEndpoint CNNorth1 = Register("cn-north-1", "China (Beijing)");

        /// <summary>China (Ningxia): <c>cn-northwest-1</c>.</summary>
        public static readonly RegionEndpoint CNNorthWest1 = Register("cn-northwest-1", "China (Ningxia)");

        /// <summary>AWS GovCloud (US-East): <c>us-gov-east-1</c>.</summary>
        public static readonly RegionEndpoint USGovCloudEast1 = Register("us-gov-east-1", "AWS GovCloud (US-East)");

        /// <summary>AWS GovCloud (US-West): <c>us-gov-west-1</c>.</summary>
        public static readonly RegionEndpoint USGovCloudWest1 = Register("us-gov-west-1", "AWS GovCloud (US-West)");

        private RegionEndpoint(string systemName, string displayName)
        {
            SystemName = systemName;
            DisplayName = displayName;
            if (systemName.StartsWith("cn-", StringComparison.Ordinal))
            {
                PartitionName = "aws-cn";
                PartitionDnsSuffix = "amazonaws.com.cn";
            }
            else if (systemName.StartsWith("us-gov-", StringComparison.Ordinal))
            {
                PartitionName = "aws-us-gov";
                PartitionDnsSuffix = "amazonaws.com";
            }
            else
            {
                PartitionName = "aws";
                PartitionDnsSuffix = "amazonaws.com";
            }
        }

        /// <summary>Every region this package knows.</summary>
        public static IEnumerable<RegionEndpoint> EnumerableAllRegions
        {
            get
            {
                lock (BySystemName)
                {
                    return new List<RegionEndpoint>(BySystemName.Values);
                }
            }
        }

        /// <summary>The region's code, e.g. <c>us-east-1</c>.</summary>
        public string SystemName { get; private set; }

        /// <summary>The region's name, e.g. <c>US East (N. Virginia)</c>.</summary>
        public string DisplayName { get; private set; }

        /// <summary>The partition: <c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>.</summary>
        public string PartitionName { get; private set; }

        /// <summary>The partition's DNS suffix: <c>amazonaws.com</c> or <c>amazonaws.com.cn</c>.</summary>
        public string PartitionDnsSuffix { get; private set; }

        /// <summary>
        /// The region with code <paramref name="systemName"/> (e.g. <c>eu-west-1</c>). Codes this package
        /// does not list yet give a new region with display name <c>Unknown</c>, as the AWS SDK does.
        /// </summary>
        public static RegionEndpoint GetBySystemName(string systemName)
        {
            if (string.IsNullOrEmpty(systemName))
            {
                throw new ArgumentNullException("systemName");
            }
            lock (BySystemName)
            {
                RegionEndpoint region;
                return BySystemName.TryGetValue(systemName, out region)
                    ? region
                    : new RegionEndpoint(systemName.ToLowerInvariant(), "Unknown");
            }
        }

        /// <summary>E.g. <c>US East (N. Virginia) (us-east-1)</c>, as the AWS SDK prints it.</summary>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "{0} ({1})", DisplayName, SystemName);
        }

        private static RegionEndpoint Register(string systemName, string displayName)
        {
            var region = new RegionEndpoint(systemName, displayName);
            lock (BySystemName)
            {
                BySystemName[systemName] = region;
            }
            return region;
        }
    }
}
