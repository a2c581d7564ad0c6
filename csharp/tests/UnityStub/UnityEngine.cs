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
    }
}
