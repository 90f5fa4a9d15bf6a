using YamlDotNet.RepresentationModel;

namespace Resume.Actors.Tests.Deploy;

/// <summary>YAML files of deploy/, parsed with YamlDotNet, and the few ways the tests walk them.</summary>
public static class Yaml
{
    /// <summary>Every document of the file (a Kubernetes file may hold several, separated by ---).</summary>
    public static IReadOnlyList<YamlMappingNode> Documents(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(RepositoryRoot.Read(relativePath));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    /// <summary>The node at <paramref name="path"/> (mapping keys), or null where a key is missing.</summary>
    public static YamlNode? Find(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
                return null;
            current = child;
        }
        return current;
    }

    public static YamlNode At(this YamlNode node, params string[] path) =>
        node.Find(path) ?? throw new KeyNotFoundException($"no {string.Join('.', path)} in {node.Start}");

    public static string Text(this YamlNode node, params string[] path) =>
        ((YamlScalarNode)node.At(path)).Value ?? "";

    public static int Int(this YamlNode node, params string[] path) => int.Parse(node.Text(path), System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params string[] path) =>
        [.. ((YamlSequenceNode)node.At(path)).Children];

    public static IReadOnlyDictionary<string, YamlNode> Entries(this YamlNode node, params string[] path) =>
        ((YamlMappingNode)node.At(path)).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => e.Value, StringComparer.Ordinal);

    /// <summary>The Kubernetes object of <paramref name="kind"/> named <paramref name="name"/> among <paramref name="documents"/>.</summary>
    public static YamlMappingNode Object(this IEnumerable<YamlMappingNode> documents, string kind, string name) =>
        documents.Single(d => d.Text("kind") == kind && d.Text("metadata", "name") == name);
}
