// A stub of the UnityEditor members the package's Editor hooks use. `Harness` members are the stub's
// own, for tests (not part of Unity).
using System;
using System.Collections.Generic;

namespace UnityEditor
{
    [AttributeUsage(AttributeTargets.Class)]
    public class InitializeOnLoadAttribute : Attribute
    {
    }

    public static class AssemblyReloadEvents
    {
        public delegate void AssemblyReloadCallback();

        public static event AssemblyReloadCallback beforeAssemblyReload;

        /// <summary>Stub only: what the Editor does before reloading scripts.</summary>
        public static void RaiseBeforeAssemblyReload()
        {
            var handler = beforeAssemblyReload;
            if (handler != null) handler();
        }
    }
}

namespace UnityEditor
{
    public enum BuildTargetGroup
    {
        Unknown = 0,
        Standalone = 1,
        iOS = 4,
        Android = 7,
    }

    public static class EditorUserBuildSettings
    {
        public static BuildTargetGroup selectedBuildTargetGroup { get; set; } = BuildTargetGroup.Standalone;
    }

    public class AssetImporter : UnityEngine.Object
    {
        public string assetPath { get; set; }
    }

    public class PluginImporter : AssetImporter
    {
        /// <summary>Stub only: the plugins of the imaginary project.</summary>
        public static readonly List<PluginImporter> HarnessImporters = new List<PluginImporter>();

        public static PluginImporter[] GetAllImporters()
        {
            return HarnessImporters.ToArray();
        }
    }

    public static class PlayerSettings
    {
        /// <summary>Stub only: the scripting defines per build target group.</summary>
        public static readonly Dictionary<BuildTargetGroup, string> HarnessDefines = new Dictionary<BuildTargetGroup, string>();

        public static string GetScriptingDefineSymbolsForGroup(BuildTargetGroup targetGroup)
        {
            string defines;
            return HarnessDefines.TryGetValue(targetGroup, out defines) ? defines : string.Empty;
        }

        public static void SetScriptingDefineSymbolsForGroup(BuildTargetGroup targetGroup, string defines)
        {
            HarnessDefines[targetGroup] = defines;
        }

        public static string GetScriptingDefineSymbols(UnityEditor.Build.NamedBuildTarget buildTarget)
        {
            return GetScriptingDefineSymbolsForGroup(buildTarget.Group);
        }

        public static void SetScriptingDefineSymbols(UnityEditor.Build.NamedBuildTarget buildTarget, string defines)
        {
            SetScriptingDefineSymbolsForGroup(buildTarget.Group, defines);
        }
    }
}

namespace UnityEditor.Build
{
    public struct NamedBuildTarget
    {
        internal BuildTargetGroup Group;

        public static NamedBuildTarget FromBuildTargetGroup(BuildTargetGroup buildTargetGroup)
        {
            return new NamedBuildTarget { Group = buildTargetGroup };
        }
    }
}
