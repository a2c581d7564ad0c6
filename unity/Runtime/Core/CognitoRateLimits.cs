using System;
using System.Collections.Generic;
using System.Globalization;

namespace CognitoNative
{
    /// <summary>Which requests the client-side rate limiter holds to Cognito's request quotas
    /// (<see cref="CognitoRateLimits.Limiting"/>).</summary>
    public enum CognitoRateLimiting
    {
        /// <summary>Those to AWS's own endpoints (<c>*.amazonaws.com</c>, <c>*.amazonaws.com.cn</c>), not those
        /// to another endpoint such as a local emulator. The default.</summary>
        Aws = 0,

        /// <summary>All of them, also to an emulator (one with quotas, to rehearse a login storm).</summary>
        Always = 1,

        /// <summary>None: requests go out as they come, and the service throttles what is too much.</summary>
        Never = 2,
    }

    /// <summary>
    /// Cognito's request quotas kept on this side (<see cref="CognitoTransportOptions.RateLimits"/>, of
    /// <see cref="CognitoOptions"/> and <see cref="CognitoUserPoolOptions"/>): every request waits, in order, for a slot of its
    /// quota, so that a login storm (a game server's players reconnecting at once) is spread over time
    /// instead of sent to be throttled. One limiter serves the whole process (every credentials object,
    /// user pool and developer client) per quota and region; the rates it starts from are AWS's default
    /// quotas unless set here (the latest configuration of a quota sets its rate for the process), and
    /// it steps down by itself when the service throttles anyway.
    /// </summary>
    /// <remarks>
    /// Quota names: <c>GetId</c> (AWS's default: 25 per second), <c>GetCredentialsForIdentity</c>,
    /// <c>GetOpenIdToken</c>, <c>GetOpenIdTokenForDeveloperIdentity</c>, <c>LookupDeveloperIdentity</c>,
    /// <c>UnlinkDeveloperIdentity</c>, and the user-pool categories <c>UserAuthentication</c> (sign-in),
    /// <c>RespondToAuthChallenge</c>, <c>UserCreation</c>, <c>UserAccountRecovery</c>, <c>UserToken</c>,
    /// <c>UserRead</c>, <c>UserUpdate</c>. An unknown name, or a rate that is not above 0 and at most
    /// 100,000 per second, is refused when the object using the options is created
    /// (<see cref="ArgumentException"/>, its <c>InnerException</c> an <see cref="InvalidConfigurationException"/>).
    /// </remarks>
    public sealed class CognitoRateLimits
    {
        private Dictionary<string, double> _rates = new Dictionary<string, double>(StringComparer.Ordinal);

        /// <summary>Which requests wait for their slot (default: <see cref="CognitoRateLimiting.Aws"/>).</summary>
        public CognitoRateLimiting Limiting { get; set; }

        /// <summary>Requests per second by quota name (see the remarks), e.g. <c>{ "GetId", 100 }</c> for a
        /// raised quota; quotas not named keep AWS's default. Never null.</summary>
        public IDictionary<string, double> Rates
        {
            get { return _rates; }
        }

        /// <summary>Longest a request waits for its slot; past it, it fails with
        /// <see cref="TooManyRequestsException"/> (not retried). Null: the library's default (2 minutes).</summary>
        public TimeSpan? MaxWait { get; set; }

        /// <summary>A warning is logged, once per quota, when requests have waited this long for their
        /// slot. Null: the library's default (5 seconds).</summary>
        public TimeSpan? WarnAfter { get; set; }

        /// <summary>A copy (with its own <see cref="Rates"/>).</summary>
        public CognitoRateLimits Clone()
        {
            var copy = (CognitoRateLimits)MemberwiseClone();
            copy._rates = new Dictionary<string, double>(_rates, StringComparer.Ordinal);
            return copy;
        }

        /// <summary>The <c>rate_limits</c> object of the options JSON. What the library checks (names,
        /// ranges) it reports itself; what JSON cannot carry is refused here.</summary>
        /// <exception cref="ArgumentException">A rate that is not a finite number, a negative wait, an
        /// undefined <see cref="Limiting"/>.</exception>
        internal CognitoTransportOptions.JsonWriter ToJson()
        {
            var json = new CognitoTransportOptions.JsonWriter();
            switch (Limiting)
            {
                case CognitoRateLimiting.Aws: json.String("limiting", "aws"); break;
                case CognitoRateLimiting.Always: json.String("limiting", "always"); break;
                case CognitoRateLimiting.Never: json.String("limiting", "never"); break;
                default:
                    throw new ArgumentException(
                        "CognitoRateLimits.Limiting: " + ((int)Limiting).ToString(CultureInfo.InvariantCulture)
                        + " is not a CognitoRateLimiting value");
            }
            var rates = new CognitoTransportOptions.JsonWriter();
            foreach (var rate in _rates)
            {
                if (double.IsNaN(rate.Value) || double.IsInfinity(rate.Value))
                {
                    throw new ArgumentException(
                        "CognitoRateLimits.Rates: the rate of " + rate.Key + " must be a finite number of requests per second");
                }
                rates.Number(rate.Key, rate.Value);
            }
            json.Object("rates", rates);
            json.Number("max_wait_ms", Milliseconds(MaxWait, "MaxWait"));
            json.Number("warn_after_ms", Milliseconds(WarnAfter, "WarnAfter"));
            return json;
        }

        private static long? Milliseconds(TimeSpan? t, string name)
        {
            if (!t.HasValue)
            {
                return null;
            }
            if (t.Value < TimeSpan.Zero)
            {
                throw new ArgumentException("CognitoRateLimits." + name + " cannot be negative");
            }
            return (long)t.Value.TotalMilliseconds;
        }
    }
}
