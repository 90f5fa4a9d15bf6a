using Resume.Actors.Hosting;
using Resume.Apps.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// The entity and job types named in <c>resume.cluster.entities</c> and <c>resume.cluster.jobs</c>,
/// resolved once at start: a name that is not a loadable subclass of <see cref="Entity"/> (with a
/// constructor taking the id) or of <see cref="Job"/> (with a parameterless one) stops the server
/// with a one-line configuration error.
/// </summary>
public sealed class ClusterTypes
{
    private ClusterTypes(IReadOnlyDictionary<string, Func<string, Entity>> entities, IReadOnlyDictionary<string, Func<Job>> jobs)
    {
        Entities = entities;
        Jobs = jobs;
    }

    public IReadOnlyDictionary<string, Func<string, Entity>> Entities { get; }

    public IReadOnlyDictionary<string, Func<Job>> Jobs { get; }

    public static ClusterTypes Resolve(ClusterSettings settings)
    {
        var entities = new Dictionary<string, Func<string, Entity>>(StringComparer.Ordinal);
        foreach (var (name, typeName) in settings.Entities)
        {
            var type = Load($"resume.cluster.entities.{name}", typeName, typeof(Entity));
            var constructor = type.GetConstructor([typeof(string)])
                ?? throw new SettingsException($"resume.cluster.entities.{name}", $"{type.FullName} has no public constructor that takes the entity id (a string)");
            entities[name] = id => (Entity)constructor.Invoke([id]);
        }
        var jobs = new Dictionary<string, Func<Job>>(StringComparer.Ordinal);
        foreach (var (name, typeName) in settings.Jobs)
        {
            var type = Load($"resume.cluster.jobs.{name}", typeName, typeof(Job));
            var constructor = type.GetConstructor(Type.EmptyTypes)
                ?? throw new SettingsException($"resume.cluster.jobs.{name}", $"{type.FullName} has no public parameterless constructor");
            jobs[name] = () => (Job)constructor.Invoke([]);
        }
        return new ClusterTypes(entities, jobs);
    }

    private static Type Load(string key, string typeName, Type baseType)
    {
        Type? type;
        try
        {
            type = Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is ArgumentException or IOException or BadImageFormatException)
        {
            throw new SettingsException(key, $"\"{typeName}\" cannot be loaded: {e.Message}");
        }
        if (type is null)
            throw new SettingsException(key, $"\"{typeName}\" is not a type that can be loaded (write \"Namespace.Type, Assembly\")");
        if (!baseType.IsAssignableFrom(type) || type.IsAbstract)
            throw new SettingsException(key, $"{type.FullName} is not a concrete subclass of {baseType.FullName}");
        return type;
    }
}
