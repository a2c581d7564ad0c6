using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace CognitoNative.Tests
{
    /// <summary>
    /// The C# side of the ABI agrees with the generated header, <c>include/cognito_native.h</c>, the
    /// source of truth: the statuses and the error kinds, name for name and number for number, both
    /// ways (a header name <c>COGNITO_ERROR_KIND_NOT_AUTHORIZED</c> is the C# member
    /// <c>NotAuthorized</c>), and every imported function's name, return type and number of parameters.
    /// </summary>
    [TestFixture]
    public class AbiTests
    {
        private static readonly Assembly Library = typeof(CognitoAWSCredentials).Assembly;

        private static string HeaderPath
        {
            get { return Path.Combine(Repo.Root, "include", "cognito_native.h"); }
        }

        private static string Header
        {
            get
            {
                Assert.IsTrue(File.Exists(HeaderPath), "no header at " + HeaderPath);
                return File.ReadAllText(HeaderPath);
            }
        }

        [Test]
        public void Statuses_AreTheHeaders()
        {
            var header = HeaderEnum(Header, "cognito_status", "COGNITO_STATUS_");
            Assert.AreEqual(0, header["Ok"], "COGNITO_STATUS_OK");
            AssertSame(header, CSharpEnum(Library.GetType("CognitoNative.Interop.CognitoStatus", true)), "cognito_status");
        }

        [Test]
        public void ErrorKinds_AreTheHeaders()
        {
            var header = HeaderEnum(Header, "cognito_error_kind", "COGNITO_ERROR_KIND_");
            Assert.AreEqual(0, header["None"], "COGNITO_ERROR_KIND_NONE");
            AssertSame(header, CSharpEnum(typeof(CognitoErrorKind)), "cognito_error_kind");
        }

        [TestCase("COGNITO_ERROR_KIND_NOT_AUTHORIZED", "COGNITO_ERROR_KIND_", "NotAuthorized")]
        [TestCase("COGNITO_ERROR_KIND_IDP_COMMUNICATION_ERROR", "COGNITO_ERROR_KIND_", "IdpCommunicationError")]
        [TestCase("COGNITO_STATUS_ERR_INVALID_UTF8", "COGNITO_STATUS_", "ErrInvalidUtf8")]
        [TestCase("COGNITO_STATUS_OK", "COGNITO_STATUS_", "Ok")]
        public void HeaderNames_MapToPascalCase(string name, string prefix, string expected)
        {
            Assert.AreEqual(expected, CSharpName(name, prefix));
        }

        [Test]
        public void ImportedFunctions_AreTheHeaders()
        {
            var declared = HeaderFunctions(Header);
            Assert.IsNotEmpty(declared, "no function declarations in " + HeaderPath);
            var methods = Library.GetType("CognitoNative.Interop.NativeMethods", true)
                .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
                .Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0)
                .ToList();
            Assert.That(methods.Count, Is.GreaterThanOrEqualTo(30), "the imports were not found");
            var problems = new List<string>();
            foreach (var method in methods)
            {
                var import = (DllImportAttribute)method.GetCustomAttributes(typeof(DllImportAttribute), false).SingleOrDefault();
                var name = import != null && !string.IsNullOrEmpty(import.EntryPoint) ? import.EntryPoint : method.Name;
                HeaderFunction c;
                if (!declared.TryGetValue(name, out c))
                {
                    problems.Add(name + ": imported by NativeMethods, not in the header");
                    continue;
                }
                var expected = CSharpReturnType(c.ReturnType);
                if (expected == null)
                {
                    problems.Add(name + ": the test does not know the C type " + c.ReturnType);
                }
                else if (method.ReturnType != expected)
                {
                    problems.Add(name + ": returns " + method.ReturnType.Name + " in C#, " + c.ReturnType + " in the header");
                }
                if (method.GetParameters().Length != c.Parameters)
                {
                    problems.Add(name + ": " + method.GetParameters().Length + " parameters in C#, " + c.Parameters + " in the header");
                }
            }
            Assert.IsEmpty(problems, string.Join("\n", problems));
        }

        // ---- the header ----

        /// <summary>The members of <c>enum <paramref name="name"/></c>, by their C# names.</summary>
        private static Dictionary<string, long> HeaderEnum(string header, string name, string prefix)
        {
            var blocks = Regex.Matches(header, @"\benum\s+" + name + @"\s*\{(?<body>[^}]*)\}");
            Assert.AreEqual(1, blocks.Count, "enum " + name + " in " + HeaderPath);
            var body = Regex.Replace(blocks[0].Groups["body"].Value, @"/\*.*?\*/|//[^\n]*", " ", RegexOptions.Singleline);
            var members = new Dictionary<string, long>();
            foreach (var entry in body.Split(',').Select(e => e.Trim()).Where(e => e.Length > 0))
            {
                var m = Regex.Match(entry, @"^(?<name>" + prefix + @"[A-Z0-9_]+)\s*=\s*(?<value>\d+)$");
                Assert.IsTrue(m.Success, "cannot read the member '" + entry + "' of enum " + name + " (expected " + prefix + "NAME = number)");
                var csharp = CSharpName(m.Groups["name"].Value, prefix);
                Assert.IsFalse(members.ContainsKey(csharp), m.Groups["name"].Value + " twice, or two names for " + csharp);
                members.Add(csharp, long.Parse(m.Groups["value"].Value));
            }
            // Every definition of a prefixed name in the header is in the block read.
            var everywhere = Regex.Matches(header, @"^\s*" + prefix + @"\w+\s*=", RegexOptions.Multiline).Count;
            Assert.AreEqual(everywhere, members.Count, "members of enum " + name + " read, of the " + prefix + "* definitions in the header");
            return members;
        }

        /// <summary><c>COGNITO_ERROR_KIND_NOT_AUTHORIZED</c> (prefix <c>COGNITO_ERROR_KIND_</c>) is
        /// <c>NotAuthorized</c>.</summary>
        private static string CSharpName(string headerName, string prefix)
        {
            Assert.IsTrue(headerName.StartsWith(prefix, StringComparison.Ordinal), headerName);
            return string.Concat(headerName.Substring(prefix.Length)
                .Split('_')
                .Select(word => word.Substring(0, 1) + word.Substring(1).ToLowerInvariant()));
        }

        private struct HeaderFunction
        {
            public string ReturnType;
            public int Parameters;
        }

        /// <summary>The header's function declarations: a line with the return type, then
        /// <c>name (parameters);</c> (safer-ffi's layout).</summary>
        private static Dictionary<string, HeaderFunction> HeaderFunctions(string header)
        {
            var functions = new Dictionary<string, HeaderFunction>();
            var declarations = Regex.Matches(header, @"^(?<ret>[A-Za-z_][\w ]*?\**)\s*\n(?<name>cognito_\w+) \((?<params>[^;]*)\);", RegexOptions.Multiline);
            foreach (Match d in declarations)
            {
                functions.Add(d.Groups["name"].Value, new HeaderFunction
                {
                    ReturnType = Regex.Replace(d.Groups["ret"].Value.Trim(), @"\s+", " "),
                    Parameters = CountParameters(d.Groups["params"].Value),
                });
            }
            var named = Regex.Matches(header, @"^cognito_\w+ \(", RegexOptions.Multiline).Count;
            Assert.AreEqual(named, functions.Count, "function declarations read, of the lines 'cognito_<name> (' in the header");
            return functions;
        }

        /// <summary>Top-level commas: a function-pointer parameter has its own parentheses.</summary>
        private static int CountParameters(string list)
        {
            if (list.Trim() == "void")
            {
                return 0;
            }
            int depth = 0, count = 1;
            foreach (var ch in list)
            {
                if (ch == '(') depth++;
                else if (ch == ')') depth--;
                else if (ch == ',' && depth == 0) count++;
            }
            return count;
        }

        private static Type CSharpReturnType(string c)
        {
            switch (c)
            {
                case "cognito_status_t": return Library.GetType("CognitoNative.Interop.CognitoStatus", true);
                case "cognito_error_kind_t": return typeof(CognitoErrorKind);
                case "void": return typeof(void);
                default: return c.EndsWith("*", StringComparison.Ordinal) ? typeof(IntPtr) : null;
            }
        }

        // ---- C# ----

        private static Dictionary<string, long> CSharpEnum(Type type)
        {
            Assert.IsTrue(type.IsEnum, type.FullName);
            return Enum.GetNames(type).ToDictionary(n => n, n => Convert.ToInt64(Enum.Parse(type, n)));
        }

        private static void AssertSame(Dictionary<string, long> header, Dictionary<string, long> csharp, string name)
        {
            var problems = new List<string>();
            foreach (var member in header)
            {
                long value;
                if (!csharp.TryGetValue(member.Key, out value))
                {
                    problems.Add(member.Key + " = " + member.Value + ": in the header, not in C#");
                }
                else if (value != member.Value)
                {
                    problems.Add(member.Key + ": " + member.Value + " in the header, " + value + " in C#");
                }
            }
            foreach (var member in csharp.Where(m => !header.ContainsKey(m.Key)))
            {
                problems.Add(member.Key + " = " + member.Value + ": in C#, not in the header");
            }
            Assert.IsEmpty(problems, "enum " + name + " (" + HeaderPath + "):\n" + string.Join("\n", problems));
        }
    }
}
