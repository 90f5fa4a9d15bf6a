using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Resume.Actors.Hosting;

/// <summary>
/// Values set by path through Akka's configuration API, never pasted into HOCON text: quotes, braces
/// or newlines in a value stay part of it (and are then checked as any configured value is). How the
/// command line, the environment and the settings-derived Akka keys become configuration.
/// </summary>
public sealed class ConfigOverrides
{
    private readonly HoconObject _root = new();

    public bool IsEmpty => _root.Items.Count == 0;

    /// <summary>Sets <paramref name="path"/> (dot-separated, plain keys) to <paramref name="value"/>, unless it is null.</summary>
    public ConfigOverrides Set(string path, string? value)
    {
        if (value is not null)
            Put(path, Value(new HoconLiteral { Value = value }));
        return this;
    }

    /// <summary>Sets <paramref name="path"/> to a list of strings, unless it is null.</summary>
    public ConfigOverrides SetList(string path, IEnumerable<string>? values)
    {
        if (values is null)
            return this;
        var array = new HoconArray();
        array.AddRange(values.Select(v => Value(new HoconLiteral { Value = v })));
        Put(path, Value(array));
        return this;
    }

    public Config ToConfig() => IsEmpty ? Config.Empty : new Config(new HoconRoot(Value(_root)));

    private void Put(string path, HoconValue value)
    {
        var keys = path.Split('.');
        var section = _root;
        foreach (var key in keys[..^1])
        {
            if (!section.Items.TryGetValue(key, out var child))
                section.Items[key] = child = Value(new HoconObject());
            section = child.GetObject();
        }
        section.Items[keys[^1]] = value;
    }

    private static HoconValue Value(IHoconElement element)
    {
        var value = new HoconValue();
        value.AppendValue(element);
        return value;
    }
}
