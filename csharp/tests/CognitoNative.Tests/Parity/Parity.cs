using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace CognitoNative.Tests.Parity
{
    /// <summary>
    /// The public and protected surface of a type, by reflection, in the canonical form of
    /// csharp/tests/parity/aws-members.tsv: one <see cref="Member"/> per constructor, method, property,
    /// event, field and nested class, with its modifiers. Members of System types (object's and
    /// Exception's overrides, ...) are left out; inherited members of our own and AWS's types are in.
    /// </summary>
    internal static class Surface
    {
        private const BindingFlags All =
            BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

        internal static Dictionary<string, string> Of(Type type, string owner)
        {
            var members = new Dictionary<string, string>();
            foreach (var ctor in type.GetConstructors(All).Where(c => Visible(c)))
            {
                members[Key(owner, "ctor", ShortName(type) + Parameters(ctor), "-")] = Access(ctor);
            }
            for (var t = type; t != null && !IsSystem(t); t = t.BaseType)
            {
                foreach (var method in t.GetMethods(All | BindingFlags.DeclaredOnly))
                {
                    if (!Visible(method) || method.IsSpecialName || IsSystem(method.GetBaseDefinition().DeclaringType))
                    {
                        continue;
                    }
                    var key = Key(owner, "method", method.Name + Parameters(method), Name(method.ReturnType));
                    if (!members.ContainsKey(key))
                    {
                        members[key] = Modifiers(method);
                    }
                }
                foreach (var property in t.GetProperties(All | BindingFlags.DeclaredOnly))
                {
                    var get = property.GetGetMethod(true);
                    var set = property.GetSetMethod(true);
                    var accessor = get != null && Visible(get) ? get : set;
                    if (accessor == null || !Visible(accessor) || IsSystem(accessor.GetBaseDefinition().DeclaringType))
                    {
                        continue;
                    }
                    var key = Key(owner, "property", property.Name, Name(property.PropertyType));
                    if (members.ContainsKey(key))
                    {
                        continue;
                    }
                    var accessors = new List<string>();
                    if (get != null && Visible(get)) accessors.Add(Access(get) == Access(accessor) ? "get;" : Access(get) + " get;");
                    if (set != null && Visible(set)) accessors.Add(Access(set) == Access(accessor) ? "set;" : Access(set) + " set;");
                    members[key] = Modifiers(accessor) + " { " + string.Join(" ", accessors) + " }";
                }
                foreach (var e in t.GetEvents(All | BindingFlags.DeclaredOnly))
                {
                    var add = e.GetAddMethod(true);
                    if (add != null && Visible(add))
                    {
                        members[Key(owner, "event", e.Name, Name(e.EventHandlerType))] = Modifiers(add);
                    }
                }
                foreach (var field in t.GetFields(All | BindingFlags.DeclaredOnly))
                {
                    if ((field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly) && !field.IsSpecialName)
                    {
                        var modifiers = Access(field) + (field.IsLiteral ? " const" : (field.IsStatic ? " static" : "") + (field.IsInitOnly ? " readonly" : ""));
                        members[Key(owner, "field", field.Name, Name(field.FieldType))] = modifiers;
                    }
                }
                foreach (var nested in t.GetNestedTypes(All))
                {
                    if (nested.IsNestedPublic || nested.IsNestedFamily || nested.IsNestedFamORAssem)
                    {
                        var key = Key(owner, "class", nested.Name, "-");
                        if (!members.ContainsKey(key))
                        {
                            members[key] = (nested.IsNestedPublic ? "public" : "protected")
                                + (nested.IsSealed ? " sealed" : nested.IsAbstract ? " abstract" : "");
                        }
                    }
                }
            }
            return members;
        }

        internal static string Key(string owner, string kind, string member, string type)
        {
            return owner + "\t" + kind + "\t" + member + "\t" + type;
        }

        /// <summary>A type as the list writes it: C# keywords, short names for System types
        /// (<c>Task&lt;string&gt;</c>, <c>TimeSpan</c>, <c>DateTime?</c>), else the full name with
        /// nested types joined by '.'.</summary>
        internal static string Name(Type type)
        {
            if (type.IsByRef)
            {
                return "ref " + Name(type.GetElementType());
            }
            if (type.IsArray)
            {
                return Name(type.GetElementType()) + "[]";
            }
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Nullable<>))
            {
                return Name(type.GetGenericArguments()[0]) + "?";
            }
            switch (Type.GetTypeCode(type))
            {
                case TypeCode.String: return "string";
                case TypeCode.Boolean: return "bool";
                case TypeCode.Int32: return type.IsEnum ? Plain(type) : "int";
                case TypeCode.Int64: return "long";
                case TypeCode.Double: return "double";
            }
            if (type == typeof(void)) return "void";
            if (type == typeof(object)) return "object";
            var name = Plain(type);
            if (type.IsGenericType)
            {
                name += "<" + string.Join(", ", type.GetGenericArguments().Select(Name).ToArray()) + ">";
            }
            return name;
        }

        private static string Plain(Type type)
        {
            var name = type.Name;
            var tick = name.IndexOf('`');
            if (tick >= 0) name = name.Substring(0, tick);
            if (type.IsNested)
            {
                return Plain(type.DeclaringType) + "." + name;
            }
            return IsSystem(type) ? name : type.Namespace + "." + name;
        }

        internal static string ShortName(Type type)
        {
            var name = type.Name;
            var tick = name.IndexOf('`');
            return tick >= 0 ? name.Substring(0, tick) : name;
        }

        private static string Parameters(MethodBase method)
        {
            return "(" + string.Join(", ", method.GetParameters()
                .Select(p => Name(p.ParameterType) + (p.IsOptional ? " = default" : "")).ToArray()) + ")";
        }

        private static bool IsSystem(Type type)
        {
            return type.Namespace != null && (type.Namespace == "System" || type.Namespace.StartsWith("System.", StringComparison.Ordinal));
        }

        private static bool Visible(MethodBase m)
        {
            return m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;
        }

        private static string Access(MethodBase m)
        {
            return m.IsPublic ? "public" : "protected";
        }

        private static string Access(FieldInfo f)
        {
            return f.IsPublic ? "public" : "protected";
        }

        /// <summary>Access, then static, abstract, virtual, override or sealed override (a method sealed
        /// in IL only to implement an interface is not virtual in C#).</summary>
        private static string Modifiers(MethodInfo m)
        {
            var s = Access(m);
            if (m.IsStatic) return s + " static";
            if (!m.IsVirtual || (m.IsFinal && (m.Attributes & MethodAttributes.NewSlot) != 0)) return s;
            var isOverride = (m.Attributes & MethodAttributes.NewSlot) == 0;
            if (m.IsAbstract) return s + " abstract";
            if (!isOverride) return s + " virtual";
            return s + (m.IsFinal ? " sealed override" : " override");
        }
    }

    /// <summary>One line of the list of AWS's members and ours.</summary>
    internal sealed class Entry
    {
        internal string Owner;
        internal string Kind;
        internal string Member;
        internal string Type;
        internal string V37;
        internal string V4;
        internal string Core;
        internal string Facade;
        internal string Note;
        internal int Line;

        internal bool InAws
        {
            get { return V37 != "-" || V4 != "-"; }
        }

        internal static List<Entry> Read(string path)
        {
            var entries = new List<Entry>();
            var n = 0;
            foreach (var raw in File.ReadAllLines(path))
            {
                n++;
                if (raw.Length == 0 || raw.StartsWith("#", StringComparison.Ordinal))
                {
                    continue;
                }
                var c = raw.Split('\t');
                if (c.Length < 8 || c.Length > 9)
                {
                    throw new FormatException(path + ":" + n + ": " + c.Length + " columns, not 8 or 9");
                }
                entries.Add(new Entry
                {
                    Owner = c[0], Kind = c[1], Member = c[2], Type = c[3], V37 = c[4], V4 = c[5],
                    Core = c[6], Facade = c[7], Note = c.Length > 8 ? c[8] : "", Line = n,
                });
            }
            return entries;
        }

        /// <summary>What ours (column <paramref name="ours"/>) must be: null when left out, "n/a" when the
        /// column does not apply, else the modifiers.</summary>
        internal string Expected(string ours)
        {
            switch (ours)
            {
                case "-": return null;
                case "n/a": return "n/a";
                case "=3.7": return V37;
                case "=4": return V4;
                case "=":
                    if (V37 != "-" && V4 != "-" && V37 != V4)
                    {
                        throw new FormatException("line " + Line + ": '=' but v3.7 and v4 differ; say =3.7, =4 or the modifiers");
                    }
                    return V37 != "-" ? V37 : V4;
                default: return ours;
            }
        }
    }

    /// <summary>Compares one of our types' surfaces with the list.</summary>
    internal static class Comparer
    {
        /// <summary>The differences (empty when ours is as listed): a member listed but missing or with
        /// other modifiers, a member listed as left out that exists, a member of ours not listed.</summary>
        internal static List<string> Differences(
            List<Entry> entries, string column, IDictionary<string, Type> owners, IList<KeyValuePair<string, string>> typeMap)
        {
            var differences = new List<string>();
            var surfaces = owners.ToDictionary(o => o.Key, o => Surface.Of(o.Value, o.Key));
            var listed = new HashSet<string>();
            foreach (var e in entries)
            {
                if (!owners.ContainsKey(e.Owner))
                {
                    continue;
                }
                var expected = e.Expected(column == "core" ? e.Core : e.Facade);
                if (expected == "n/a")
                {
                    continue;
                }
                var key = Surface.Key(e.Owner, e.Kind, Map(e.Member, typeMap, e.Owner), e.Kind == "ctor" || e.Kind == "class" ? "-" : Map(e.Type, typeMap, e.Owner));
                listed.Add(key);
                string actual;
                surfaces[e.Owner].TryGetValue(key, out actual);
                if (expected == null && actual != null)
                {
                    differences.Add("line " + e.Line + ": listed as left out, but " + column + " has it: " + Show(key) + " [" + actual + "]");
                }
                else if (expected != null && actual == null)
                {
                    differences.Add("line " + e.Line + ": missing in " + column + ": " + Show(key) + " [" + expected + "]");
                }
                else if (expected != null && expected != actual)
                {
                    differences.Add("line " + e.Line + ": " + column + " has " + Show(key) + " as [" + actual + "], the list says [" + expected + "]");
                }
            }
            foreach (var surface in surfaces.Values)
            {
                foreach (var member in surface)
                {
                    if (!listed.Contains(member.Key))
                    {
                        differences.Add("not in the list (" + column + "): " + member.Key + "\t[" + member.Value + "]");
                    }
                }
            }
            return differences;
        }

        /// <summary>AWS's type names in <paramref name="text"/> as ours (whole dotted names only).</summary>
        internal static string Map(string text, IList<KeyValuePair<string, string>> typeMap, string owner)
        {
            foreach (var m in typeMap)
            {
                text = Regex.Replace(text, @"(?<![\w.])" + Regex.Escape(m.Key) + @"(?![\w])", m.Value);
            }
            return text;
        }

        private static string Show(string key)
        {
            var c = key.Split('\t');
            return c[0] + " " + c[1] + " " + c[2] + (c[3] == "-" ? "" : " : " + c[3]);
        }
    }

    /// <summary>The parity table of the README, generated from the list.</summary>
    internal static class Table
    {
        internal static string Markdown(List<Entry> entries)
        {
            var sb = new StringBuilder();
            sb.Append("| member | AWS v3.7 | AWS v4 | `CognitoNative` | `CognitoNative.AwsSdk` | notes |\n");
            sb.Append("|---|---|---|---|---|---|\n");
            foreach (var e in entries)
            {
                string member;
                switch (e.Kind)
                {
                    case "ctor": member = "new " + e.Owner + e.Member.Substring(e.Member.IndexOf('(')); break;
                    case "class": member = "class " + e.Owner + "." + e.Member; break;
                    case "event": member = "event " + e.Owner + "." + e.Member + " : " + e.Type; break;
                    default: member = e.Owner + "." + e.Member + (e.Type == "void" ? "" : " : " + e.Type); break;
                }
                member = member.Replace("Amazon.CognitoIdentity.CognitoAWSCredentials.", "CognitoAWSCredentials.");
                sb.Append("| `").Append(member.Replace("|", "\\|")).Append("` | ")
                    .Append(Cell(e.V37)).Append(" | ").Append(Cell(e.V4)).Append(" | ")
                    .Append(Ours(e, e.Core)).Append(" | ").Append(Ours(e, e.Facade)).Append(" | ")
                    .Append(e.Note.Replace("|", "\\|")).Append(" |\n");
            }
            return sb.ToString();
        }

        private static string Cell(string modifiers)
        {
            return modifiers == "-" ? "—" : "`" + modifiers + "`";
        }

        private static string Ours(Entry e, string ours)
        {
            if (ours == "n/a") return "(AWS's type)";
            var expected = e.Expected(ours);
            if (expected == null) return e.InAws ? "**left out**" : "—";
            if (!e.InAws) return "`" + expected + "`";
            var sameAs37 = expected == e.V37;
            var sameAs4 = expected == e.V4;
            if ((sameAs37 || e.V37 == "-") && (sameAs4 || e.V4 == "-")) return "same";
            if (sameAs37) return "as v3.7";
            if (sameAs4) return "as v4";
            return "`" + expected + "`";
        }
    }
}
