#if UNITY_EDITOR
using System;
using UnityEditor;
using UnityEngine;

namespace CognitoNative.Unity
{
    /// <summary>
    /// Editor only: stops the native runtime before scripts reload, while the old AppDomain is still
    /// fully alive (the AppDomain unload hook of <see cref="CognitoRuntime"/> is the fallback).
    /// Without it the Editor would hang on reload waiting for native threads that call into the old
    /// domain.
    /// </summary>
    [InitializeOnLoad]
    internal static class CognitoEditorHooks
    {
        static CognitoEditorHooks()
        {
            AssemblyReloadEvents.beforeAssemblyReload += OnBeforeAssemblyReload;
        }

        private static void OnBeforeAssemblyReload()
        {
            try
            {
                CognitoUnity.Shutdown();
            }
            catch (Exception e)
            {
                Debug.LogException(e);
            }
        }
    }
}
#endif
