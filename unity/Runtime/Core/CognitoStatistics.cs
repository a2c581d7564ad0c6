using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using CognitoNative.Interop;

namespace CognitoNative
{
    /// <summary>
    /// What the native library has done since the process started, for the whole process (every
    /// credentials object, user pool and developer client): requests by operation and outcome,
    /// retries, waits for a quota slot, cached reads, credentials fetches, and what is in flight and
    /// queued now. From <see cref="CognitoRuntime.GetStatistics"/>; a snapshot, never updated. Holds
    /// no secrets.
    /// </summary>
    public sealed class CognitoStatistics
    {
        private static readonly CognitoOperationStatistics None = new CognitoOperationStatistics();

        private CognitoStatistics(string json, IDictionary<string, CognitoOperationStatistics> operations)
        {
            Json = json;
            Operations = new ReadOnlyDictionary<string, CognitoOperationStatistics>(operations);
        }

        /// <summary>The snapshot as the library wrote it (<c>cognito_statistics_json</c>), e.g. to log it.</summary>
        public string Json { get; private set; }

        /// <summary>By operation name as sent (<c>GetId</c>, <c>GetCredentialsForIdentity</c>,
        /// <c>GetOpenIdToken</c>, <c>AssumeRoleWithWebIdentity</c>, <c>InitiateAuth</c>...): only those
        /// used so far.</summary>
        public IReadOnlyDictionary<string, CognitoOperationStatistics> Operations { get; private set; }

        /// <summary>Reads answered from cached credentials (no request).</summary>
        public long CacheHits { get; private set; }

        /// <summary>Credentials requests that went to the service (first fetches and refreshes).</summary>
        public long CredentialsFetches { get; private set; }

        /// <summary>Requests on the wire now.</summary>
        public long InFlight { get; private set; }

        /// <summary>Requests waiting for a quota slot now (see <see cref="CognitoRateLimits"/>).</summary>
        public long Queued { get; private set; }

        /// <summary>The counts of <paramref name="operation"/>; all zero when it was never sent.</summary>
        public CognitoOperationStatistics Operation(string operation)
        {
            if (operation == null)
            {
                throw new ArgumentNullException("operation");
            }
            CognitoOperationStatistics found;
            return Operations.TryGetValue(operation, out found) ? found : None;
        }

        /// <summary>The snapshot as JSON (<see cref="Json"/>).</summary>
        public override string ToString()
        {
            return Json;
        }

        /// <summary>
        /// Reads a snapshot in the library's JSON form (<see cref="Json"/>; also what the CLI's
        /// <c>serve-credentials --stats-every</c> prints): <c>{"operations":{"GetId":{"sent":..,"succeeded":..,
        /// "throttled":..,"failed":..,"retries":..,"waited":..,"wait_total_ms":..,"wait_max_ms":..,
        /// "wait_timeouts":..},...},"cache_hits":..,"credentials_fetches":..,"in_flight":..,"queued":..}</c>.
        /// Every one of these keys must be there with a non-negative integer; keys added by a later library
        /// are skipped.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
        /// <exception cref="FormatException">Not JSON, or not of this shape.</exception>
        public static CognitoStatistics Parse(string json)
        {
            if (json == null)
            {
                throw new ArgumentNullException("json");
            }
            var root = JsonReader.Parse(json) as Dictionary<string, object>;
            if (root == null)
            {
                throw new FormatException("statistics: expected a JSON object");
            }
            var operations = new SortedDictionary<string, CognitoOperationStatistics>(StringComparer.Ordinal);
            foreach (var op in ObjectAt(root, "operations", "statistics"))
            {
                var counts = op.Value as Dictionary<string, object>;
                if (counts == null)
                {
                    throw new FormatException("statistics: operations." + op.Key + " is not an object");
                }
                operations.Add(op.Key, CognitoOperationStatistics.From(counts, "operations." + op.Key));
            }
            return new CognitoStatistics(json, operations)
            {
                CacheHits = Count(root, "cache_hits", "statistics"),
                CredentialsFetches = Count(root, "credentials_fetches", "statistics"),
                InFlight = Count(root, "in_flight", "statistics"),
                Queued = Count(root, "queued", "statistics"),
            };
        }

        private static Dictionary<string, object> ObjectAt(Dictionary<string, object> o, string key, string where)
        {
            object value;
            if (!o.TryGetValue(key, out value))
            {
                throw new FormatException(where + ": no \"" + key + "\"");
            }
            var result = value as Dictionary<string, object>;
            if (result == null)
            {
                throw new FormatException(where + ": \"" + key + "\" is not an object");
            }
            return result;
        }

        /// <summary>A required non-negative integer.</summary>
        internal static long Count(Dictionary<string, object> o, string key, string where)
        {
            object value;
            if (!o.TryGetValue(key, out value))
            {
                throw new FormatException(where + ": no \"" + key + "\"");
            }
            if (!(value is long) || (long)value < 0)
            {
                throw new FormatException(
                    where + ": \"" + key + "\" is " + Convert.ToString(value, CultureInfo.InvariantCulture) + ", not a count");
            }
            return (long)value;
        }
    }

    /// <summary>One operation's counts in a <see cref="CognitoStatistics"/> snapshot. <see cref="Sent"/>
    /// counts attempts: a retried request counts each time.</summary>
    public sealed class CognitoOperationStatistics
    {
        internal CognitoOperationStatistics()
        {
        }

        /// <summary>Attempts sent (retries included).</summary>
        public long Sent { get; private set; }

        /// <summary>Attempts that succeeded.</summary>
        public long Succeeded { get; private set; }

        /// <summary>Attempts answered <c>TooManyRequestsException</c> (or STS throttling).</summary>
        public long Throttled { get; private set; }

        /// <summary>Attempts that failed otherwise (service errors, network, timeouts).</summary>
        public long Failed { get; private set; }

        /// <summary>Attempts after the first (retries).</summary>
        public long Retries { get; private set; }

        /// <summary>Requests that waited for a quota slot.</summary>
        public long Waited { get; private set; }

        /// <summary>Their total wait.</summary>
        public TimeSpan WaitTotal { get; private set; }

        /// <summary>The longest wait.</summary>
        public TimeSpan WaitMax { get; private set; }

        /// <summary>Requests that gave up waiting for a slot (<see cref="CognitoRateLimits.MaxWait"/>;
        /// nothing was sent).</summary>
        public long WaitTimeouts { get; private set; }

        /// <summary>The counts, e.g. <c>sent=2 succeeded=2 throttled=0 ...</c>.</summary>
        public override string ToString()
        {
            return string.Format(
                CultureInfo.InvariantCulture,
                "sent={0} succeeded={1} throttled={2} failed={3} retries={4} waited={5} wait_total_ms={6} wait_max_ms={7} wait_timeouts={8}",
                Sent, Succeeded, Throttled, Failed, Retries, Waited,
                (long)WaitTotal.TotalMilliseconds, (long)WaitMax.TotalMilliseconds, WaitTimeouts);
        }

        private static TimeSpan Milliseconds(Dictionary<string, object> o, string key, string where)
        {
            var ms = CognitoStatistics.Count(o, key, where);
            if (ms > (long)TimeSpan.MaxValue.TotalMilliseconds)
            {
                throw new FormatException(where + ": \"" + key + "\" is too long a time");
            }
            return TimeSpan.FromTicks(ms * TimeSpan.TicksPerMillisecond);
        }

        internal static CognitoOperationStatistics From(Dictionary<string, object> o, string where)
        {
            return new CognitoOperationStatistics
            {
                Sent = CognitoStatistics.Count(o, "sent", where),
                Succeeded = CognitoStatistics.Count(o, "succeeded", where),
                Throttled = CognitoStatistics.Count(o, "throttled", where),
                Failed = CognitoStatistics.Count(o, "failed", where),
                Retries = CognitoStatistics.Count(o, "retries", where),
                Waited = CognitoStatistics.Count(o, "waited", where),
                WaitTotal = Milliseconds(o, "wait_total_ms", where),
                WaitMax = Milliseconds(o, "wait_max_ms", where),
                WaitTimeouts = CognitoStatistics.Count(o, "wait_timeouts", where),
            };
        }
    }
}
