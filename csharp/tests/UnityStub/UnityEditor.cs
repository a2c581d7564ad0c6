// A stub of the UnityEditor members the package's Editor hooks use.
using System;

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
