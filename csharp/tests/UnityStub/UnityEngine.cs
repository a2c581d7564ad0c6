// A stub of the few UnityEngine members the package's Unity glue and sample use, so the glue can be
// compiled and tested under plain Mono. Behaviour that matters is imitated: PlayerPrefs throws off
// the main thread, as Unity does. `UnityStub.Harness` lets tests drive it (not part of Unity).
using System;
using System.Collections.Generic;
using System.Threading;

namespace UnityEngine
{
    public class UnityException : Exception
    {
        public UnityException(string message) : base(message) { }
    }

    public class Object
    {
    }

    public class Component : Object
    {
    }

    public class Behaviour : Component
    {
        public bool enabled { get; set; }
    }

    public class MonoBehaviour : Behaviour
    {
    }

    [AttributeUsage(AttributeTargets.Field)]
    public class TooltipAttribute : Attribute
    {
        public TooltipAttribute(string tooltip) { }
    }

    public enum RuntimeInitializeLoadType
    {
        AfterSceneLoad = 0,
        BeforeSceneLoad = 1,
        AfterAssembliesLoaded = 2,
        BeforeSplashScreen = 3,
        SubsystemRegistration = 4,
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class RuntimeInitializeOnLoadMethodAttribute : Attribute
    {
        public RuntimeInitializeOnLoadMethodAttribute() { }
        public RuntimeInitializeOnLoadMethodAttribute(RuntimeInitializeLoadType loadType) { LoadType = loadType; }
        public RuntimeInitializeLoadType LoadType { get; private set; }
    }

    public static class Application
    {
        public static event Action quitting;

        public static bool isPlaying { get { return true; } }

        internal static void RaiseQuitting()
        {
            var handler = quitting;
            if (handler != null) handler();
        }
    }

    public static class Debug
    {
        public static void Log(object message) { UnityStub.Harness.Record("Log", message); }
        public static void LogWarning(object message) { UnityStub.Harness.Record("Warning", message); }
        public static void LogError(object message) { UnityStub.Harness.Record("Error", message); }
        public static void LogException(Exception exception) { UnityStub.Harness.Record("Exception", exception); }
    }

    public static class PlayerPrefs
    {
        private static readonly Dictionary<string, string> Values = new Dictionary<string, string>();

        public static string GetString(string key, string defaultValue)
        {
            UnityStub.Harness.RequireMainThread("GetString");
            lock (Values)
            {
                string value;
                return Values.TryGetValue(key, out value) ? value : defaultValue;
            }
        }

        public static string GetString(string key) { return GetString(key, string.Empty); }

        public static void SetString(string key, string value)
        {
            UnityStub.Harness.RequireMainThread("SetString");
            lock (Values) { Values[key] = value; }
        }

        public static bool HasKey(string key)
        {
            UnityStub.Harness.RequireMainThread("HasKey");
            lock (Values) { return Values.ContainsKey(key); }
        }

        public static void DeleteKey(string key)
        {
            UnityStub.Harness.RequireMainThread("DeleteKey");
            lock (Values) { Values.Remove(key); }
        }

        public static void DeleteAll()
        {
            UnityStub.Harness.RequireMainThread("DeleteAll");
            lock (Values) { Values.Clear(); }
        }

        public static void Save()
        {
            UnityStub.Harness.RequireMainThread("Save");
            UnityStub.Harness.SaveCount++;
        }
    }
}

namespace UnityEngine.Networking
{
    // UnityWebRequest as far as the signing helper uses it. As in Unity, its headers can only be set
    // on the main thread; Harness.Send performs the request as Unity would send it (method, URL,
    // headers set, the upload handler's body).

    public class UploadHandler : IDisposable
    {
        public byte[] data { get { return GetData(); } }

        public string contentType { get; set; }

        protected virtual byte[] GetData() { return null; }

        public void Dispose() { }
    }

    public sealed class UploadHandlerRaw : UploadHandler
    {
        private readonly byte[] _data;

        public UploadHandlerRaw(byte[] data) { _data = data; }

        protected override byte[] GetData() { return _data; }
    }

    /// <summary>Streams a file: Unity gives no access to its bytes (data is null).</summary>
    public sealed class UploadHandlerFile : UploadHandler
    {
        public UploadHandlerFile(string filePath) { }
    }

    public class DownloadHandler : IDisposable
    {
        public void Dispose() { }
    }

    public sealed class DownloadHandlerBuffer : DownloadHandler
    {
    }

    public class UnityWebRequest : IDisposable
    {
        public const string kHttpVerbGET = "GET";
        public const string kHttpVerbPUT = "PUT";
        public const string kHttpVerbPOST = "POST";
        public const string kHttpVerbDELETE = "DELETE";

        internal readonly List<KeyValuePair<string, string>> Headers = new List<KeyValuePair<string, string>>();

        public UnityWebRequest(string url, string method)
            : this(url, method, null, null)
        {
        }

        public UnityWebRequest(string url, string method, DownloadHandler downloadHandler, UploadHandler uploadHandler)
        {
            this.url = url;
            this.method = method;
            this.downloadHandler = downloadHandler;
            this.uploadHandler = uploadHandler;
        }

        public string method { get; set; }

        public string url
        {
            get { return uri == null ? null : uri.AbsoluteUri; }
            set { uri = value == null ? null : new Uri(value); }
        }

        public Uri uri { get; set; }

        public UploadHandler uploadHandler { get; set; }

        public DownloadHandler downloadHandler { get; set; }

        public static UnityWebRequest Get(string uri)
        {
            return new UnityWebRequest(uri, kHttpVerbGET, new DownloadHandlerBuffer(), null);
        }

        public static UnityWebRequest Put(string uri, byte[] bodyData)
        {
            return new UnityWebRequest(uri, kHttpVerbPUT, new DownloadHandlerBuffer(), new UploadHandlerRaw(bodyData));
        }

        public static UnityWebRequest Put(string uri, string bodyData)
        {
            return Put(uri, System.Text.Encoding.UTF8.GetBytes(bodyData));
        }

        public void SetRequestHeader(string name, string value)
        {
            UnityStub.Harness.RequireMainThread("SetRequestHeader");
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Cannot set a header with a null or empty name");
            lock (Headers)
            {
                Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
                Headers.Add(new KeyValuePair<string, string>(name, value));
            }
        }

        public string GetRequestHeader(string name)
        {
            lock (Headers)
            {
                foreach (var h in Headers)
                {
                    if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
                }
            }
            return null;
        }

        public void Dispose() { }
    }
}

namespace AOT
{
    [AttributeUsage(AttributeTargets.Method)]
    public class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type type) { }
    }
}

namespace UnityStub
{
    /// <summary>Test controls of the stub (Unity has no such type).</summary>
    public static class Harness
    {
        private static readonly List<KeyValuePair<string, string>> Logs = new List<KeyValuePair<string, string>>();

        /// <summary>The managed thread id playing Unity's main thread; -1: any thread.</summary>
        public static int MainThreadId = -1;

        public static int SaveCount;

        public static void RequireMainThread(string api)
        {
            if (MainThreadId != -1 && Thread.CurrentThread.ManagedThreadId != MainThreadId)
            {
                throw new UnityEngine.UnityException(api + " can only be called from the main thread.");
            }
        }

        public static void Record(string kind, object message)
        {
            lock (Logs) { Logs.Add(new KeyValuePair<string, string>(kind, Convert.ToString(message))); }
        }

        public static List<KeyValuePair<string, string>> LogsSnapshot()
        {
            lock (Logs) { return new List<KeyValuePair<string, string>>(Logs); }
        }

        public static void ClearLogs()
        {
            lock (Logs) { Logs.Clear(); }
        }

        public static void Quit()
        {
            UnityEngine.Application.RaiseQuitting();
        }

        /// <summary>Sends a UnityWebRequest as Unity would (its method, URL, the headers set on it and its
        /// upload handler's body) and returns the status and body of the answer.</summary>
        public static KeyValuePair<int, string> Send(UnityEngine.Networking.UnityWebRequest request)
        {
            var http = (System.Net.HttpWebRequest)System.Net.WebRequest.Create(request.uri);
            http.Method = request.method;
            http.Proxy = null;
            http.KeepAlive = false;
            http.Timeout = 20000;
            lock (request.Headers)
            {
                foreach (var h in request.Headers)
                {
                    if (string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)) http.ContentType = h.Value;
                    else http.Headers[h.Key] = h.Value;
                }
            }
            var body = request.uploadHandler == null ? null : request.uploadHandler.data;
            if (body != null)
            {
                http.ContentLength = body.Length;
                using (var s = http.GetRequestStream()) s.Write(body, 0, body.Length);
            }
            System.Net.HttpWebResponse response;
            try
            {
                response = (System.Net.HttpWebResponse)http.GetResponse();
            }
            catch (System.Net.WebException e)
            {
                response = e.Response as System.Net.HttpWebResponse;
                if (response == null) throw;
            }
            using (response)
            using (var reader = new System.IO.StreamReader(response.GetResponseStream()))
            {
                return new KeyValuePair<int, string>((int)response.StatusCode, reader.ReadToEnd());
            }
        }
    }
}
