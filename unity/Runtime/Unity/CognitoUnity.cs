using System;
using System.Threading;
using UnityEngine;

namespace CognitoNative.Unity
{
    /// <summary>
    /// Unity start-up glue, run automatically before the first scene loads: captures the main thread's
    /// <see cref="SynchronizationContext"/> (where callbacks of the Unity-style API land), keeps
    /// identity ids in <see cref="PlayerPrefs"/>, sends native log lines to the Unity console, and shuts
    /// the native runtime down when the application quits (the Editor's script reload is handled by
    /// <c>CognitoEditorHooks</c> and by the AppDomain unload hook of <see cref="CognitoRuntime"/>).
    /// </summary>
    public static class CognitoUnity
    {
        private static int _mainThreadId = -1;
        private static bool _quitHooked;
        private static CognitoLogLevel _logLevel = CognitoLogLevel.Warn;

        /// <summary>The player's identity store (set up by <see cref="Initialize"/>), or null before it.</summary>
        public static PlayerPrefsIdentityStore IdentityStore { get; private set; }

        /// <summary>Native log lines at this level and above go to the Unity console (default: warnings).</summary>
        public static CognitoLogLevel LogLevel
        {
            get { return _logLevel; }
            set
            {
                _logLevel = value;
                if (_mainThreadId != -1)
                {
                    CognitoRuntime.SetLogHandler(value, LogToConsole);
                }
            }
        }

        /// <summary>Whether the current thread is Unity's main thread.</summary>
        public static bool IsMainThread
        {
            get { return Thread.CurrentThread.ManagedThreadId == _mainThreadId; }
        }

        /// <summary>
        /// Sets everything up; Unity calls it before the first scene loads. Call it yourself, on the main
        /// thread, only to use the package earlier (from another <c>RuntimeInitializeOnLoadMethod</c>).
        /// Safe to call again (e.g. with domain reload disabled in the Editor).
        /// </summary>
        [RuntimeInitializeOnLoadMethod(RuntimeInitializeLoadType.BeforeSceneLoad)]
        public static void Initialize()
        {
            _mainThreadId = Thread.CurrentThread.ManagedThreadId;
            var context = SynchronizationContext.Current;
            if (context != null)
            {
                CognitoRuntime.MainThreadContext = context;
            }
            if (IdentityStore == null)
            {
                IdentityStore = new PlayerPrefsIdentityStore();
            }
            if (CognitoOptions.Default.IdentityStore == null)
            {
                CognitoOptions.Default.IdentityStore = IdentityStore;
            }
            CognitoRuntime.SetLogHandler(_logLevel, LogToConsole);
            if (!_quitHooked)
            {
                _quitHooked = true;
                Application.quitting += OnQuitting;
            }
        }

        /// <summary>Writes pending identity ids and stops the native runtime (Unity calls it on quit).</summary>
        public static void Shutdown()
        {
            if (IdentityStore != null && IsMainThread)
            {
                IdentityStore.Flush();
            }
            CognitoRuntime.Shutdown();
        }

        private static void OnQuitting()
        {
            try
            {
                Shutdown();
            }
            catch (Exception e)
            {
                Debug.LogException(e);
            }
        }

        /// <summary>Runs on native threads; Unity's Debug.Log is thread-safe.</summary>
        private static void LogToConsole(CognitoLogLevel level, string target, string message)
        {
            var text = "[cognito-native] " + message;
            switch (level)
            {
                case CognitoLogLevel.Error:
                    Debug.LogError(text);
                    break;
                case CognitoLogLevel.Warn:
                    Debug.LogWarning(text);
                    break;
                default:
                    Debug.Log(text);
                    break;
            }
        }
    }
}
