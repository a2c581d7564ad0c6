using System;
using System.Reflection;
using NUnit.Framework;
using UnityEditor;

namespace CognitoNative.Tests
{
    /// <summary>The Editor script that compiles the AWS SDK bridge when AWSSDK.Core is a loose DLL
    /// (internal: reached by reflection, against the UnityEditor stub).</summary>
    [TestFixture]
    public class AwsSdkDefineTests
    {
        private static readonly Type Define =
            typeof(CognitoNative.Unity.CognitoUnity).Assembly.GetType("CognitoNative.Unity.AwsSdkDefine", true);

        private static object Call(string name, params object[] args)
        {
            return Define.GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic).Invoke(null, args);
        }

        [TearDown]
        public void Reset()
        {
            PluginImporter.HarnessImporters.Clear();
            PlayerSettings.HarnessDefines.Clear();
        }

        [TestCase("", true, "COGNITO_NATIVE_AWSSDK")]
        [TestCase("A;B", true, "A;B;COGNITO_NATIVE_AWSSDK")]
        [TestCase("A; COGNITO_NATIVE_AWSSDK ;B", true, "A; COGNITO_NATIVE_AWSSDK ;B")]
        [TestCase("A;COGNITO_NATIVE_AWSSDK;B", false, "A;B")]
        [TestCase("COGNITO_NATIVE_AWSSDK_V4;B", false, "COGNITO_NATIVE_AWSSDK_V4;B")]
        [TestCase("", false, "")]
        public void WithDefine_AddsOrRemovesOnlyTheDefine(string defines, bool present, string expected)
        {
            Assert.AreEqual(expected, Call("WithDefine", defines, present));
        }

        [Test]
        public void ALooseAwsSdkCoreUnderAssets_TurnsTheDefineOn_AndItsRemovalOff()
        {
            PluginImporter.HarnessImporters.Add(new PluginImporter { assetPath = "Packages/org.nuget.awssdk.core/AWSSDK.Core.dll" });
            Assert.IsFalse((bool)Call("HasLooseAwsSdkCore"), "a UPM package's DLL: the asmdef's versionDefines cover it");
            PluginImporter.HarnessImporters.Add(new PluginImporter { assetPath = "Assets/Packages/AWSSDK.Core.3.7.400/lib/netstandard2.0/AWSSDK.Core.dll" });
            Assert.IsTrue((bool)Call("HasLooseAwsSdkCore"));

            PlayerSettings.HarnessDefines[BuildTargetGroup.Android] = "MY_GAME";
            Assert.IsTrue((bool)Call("Update", BuildTargetGroup.Android, true));
            Assert.AreEqual("MY_GAME;COGNITO_NATIVE_AWSSDK", PlayerSettings.GetScriptingDefineSymbolsForGroup(BuildTargetGroup.Android));
            Assert.IsFalse((bool)Call("Update", BuildTargetGroup.Android, true), "already there: no change (no recompile)");
            Assert.IsTrue((bool)Call("Update", BuildTargetGroup.Android, false));
            Assert.AreEqual("MY_GAME", PlayerSettings.GetScriptingDefineSymbolsForGroup(BuildTargetGroup.Android));
        }
    }
}
