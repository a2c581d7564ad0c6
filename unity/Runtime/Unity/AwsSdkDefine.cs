#if UNITY_EDITOR
using System;
using System.IO;
using UnityEditor;
using UnityEngine;

namespace CognitoNative.Unity
{
    /// <summary>
    /// Editor only: compiles the package's AWS SDK bridge (Runtime/AwsSdk, assembly
    /// <c>CognitoNative.AwsSdk</c>) when the project has AWSSDK.Core as a loose DLL — AWS's Unity zip,
    /// NuGetForUnity's <c>Assets/Packages</c> — by adding the scripting define
    /// <c>COGNITO_NATIVE_AWSSDK</c> that the bridge's asmdef requires (and removing it when the DLL is
    /// gone). When AWSSDK.Core comes as the UnityNuGet package <c>org.nuget.awssdk.core</c>, the asmdef's
    /// <c>versionDefines</c> set the define by themselves and this does nothing.
    /// </summary>
    [InitializeOnLoad]
    internal static class AwsSdkDefine
    {
        internal const string Define = "COGNITO_NATIVE_AWSSDK";

        static AwsSdkDefine()
        {
            try
            {
                Update(EditorUserBuildSettings.selectedBuildTargetGroup, HasLooseAwsSdkCore());
            }
            catch (Exception e)
            {
                Debug.LogException(e);
            }
        }

        /// <summary>Whether a plugin named AWSSDK.Core.dll is in the project (outside packages, whose
        /// asmdef version defines cover them).</summary>
        internal static bool HasLooseAwsSdkCore()
        {
            foreach (var importer in PluginImporter.GetAllImporters())
            {
                var path = importer.assetPath ?? string.Empty;
                if (path.StartsWith("Assets/", StringComparison.Ordinal)
                    && string.Equals(Path.GetFileName(path), "AWSSDK.Core.dll", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Adds or removes the define for <paramref name="group"/>; true if it changed.</summary>
        internal static bool Update(BuildTargetGroup group, bool present)
        {
#if UNITY_2021_2_OR_NEWER
            var target = UnityEditor.Build.NamedBuildTarget.FromBuildTargetGroup(group);
            var defines = PlayerSettings.GetScriptingDefineSymbols(target) ?? string.Empty;
#else
            var defines = PlayerSettings.GetScriptingDefineSymbolsForGroup(group) ?? string.Empty;
#endif
            var updated = WithDefine(defines, present);
            if (updated == defines)
            {
                return false;
            }
#if UNITY_2021_2_OR_NEWER
            PlayerSettings.SetScriptingDefineSymbols(target, updated);
#else
            PlayerSettings.SetScriptingDefineSymbolsForGroup(group, updated);
#endif
            return true;
        }

        /// <summary><paramref name="defines"/> (Unity's ';'-separated list) with or without the define.</summary>
        internal static string WithDefine(string defines, bool present)
        {
            var kept = new System.Collections.Generic.List<string>();
            var had = false;
            foreach (var raw in defines.Split(';'))
            {
                var symbol = raw.Trim();
                if (symbol.Length == 0)
                {
                    continue;
                }
                if (symbol == Define)
                {
                    had = true;
                    if (!present)
                    {
                        continue;
                    }
                }
                kept.Add(symbol);
            }
            if (present && !had)
            {
                kept.Add(Define);
            }
            if (had == present)
            {
                return defines;
            }
            return string.Join(";", kept.ToArray());
        }
    }
}
#endif
