using System.Reflection;
using System.Runtime.Loader;
using Resume.Apps;

namespace Resume.Actors.Hosting;

/// <summary>
/// An app named as gunicorn names one (<c>module:app</c>): <c>path/to/MyApps.dll:My.Namespace.Type.Method</c>,
/// where the method is static and has the app's shape (<c>IEnumerable&lt;Step&gt; Method(Environ, StartResponse)</c>),
/// or is static, takes nothing and returns an <see cref="App"/>. The assembly loads in a context of its
/// own with its dependencies from its folder (its <c>.deps.json</c>), except the app contract, which it
/// shares with the server. Anything that does not fit is one <see cref="SettingsException"/> naming it.
/// </summary>
public static class AppAssemblyLoader
{
    private const string Key = "resume.server.app";

    /// <summary>Whether <paramref name="reference"/> names an app in an assembly rather than a sample.</summary>
    public static bool IsReference(string reference) => reference.Contains(".dll:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads the app <paramref name="reference"/> names; its name (for logs and <c>resume.apps.NAME</c>) is the type's simple name.</summary>
    public static (string Name, App App) Load(string reference)
    {
        var colon = reference.LastIndexOf(':');
        var path = Path.GetFullPath(reference[..colon]);
        var member = reference[(colon + 1)..];
        var dot = member.LastIndexOf('.');
        if (dot <= 0 || dot == member.Length - 1)
            throw new SettingsException(Key, $"\"{reference}\": after the ':' write Namespace.Type.Method");
        var (typeName, methodName) = (member[..dot], member[(dot + 1)..]);
        if (!File.Exists(path))
            throw new SettingsException(Key, $"\"{reference}\": there is no file {path}");

        Assembly assembly;
        try
        {
            assembly = new AppLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new SettingsException(Key, $"\"{reference}\": {path} is not a .NET assembly that can be loaded ({e.Message})");
        }
        var type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new SettingsException(Key, $"\"{reference}\": {Path.GetFileName(path)} has no type {typeName}");
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == methodName).ToList();
        if (candidates.Count == 0)
            throw new SettingsException(Key, $"\"{reference}\": {typeName} has no public static method {methodName}");
        foreach (var method in candidates)
        {
            if (method.ReturnType == typeof(App) && method.GetParameters().Length == 0)
                return (type.Name, (App)method.Invoke(null, null)!);
            if (HasAppShape(method))
                return (type.Name, method.CreateDelegate<App>());
        }
        throw new SettingsException(Key,
            $"\"{reference}\": {typeName}.{methodName} is not an app: it must be IEnumerable<Step> {methodName}(Environ, StartResponse), or App {methodName}()");
    }

    private static bool HasAppShape(MethodInfo method)
    {
        var parameters = method.GetParameters();
        return method.ReturnType == typeof(IEnumerable<Step>)
            && parameters.Length == 2
            && parameters[0].ParameterType == typeof(Environ)
            && parameters[1].ParameterType == typeof(StartResponse);
    }

    /// <summary>The app's assembly and its own dependencies; the contract (Resume.Apps) and the runtime come from the server.</summary>
    private sealed class AppLoadContext(string path) : AssemblyLoadContext($"app:{Path.GetFileName(path)}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name)
        {
            // What the server has loaded is shared: an Environ must be the server's Environ type.
            if (Default.Assemblies.Any(loaded => AssemblyName.ReferenceMatchesDefinition(loaded.GetName(), name)))
                return null;
            return _resolver.ResolveAssemblyToPath(name) is { } resolved ? LoadFromAssemblyPath(resolved) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } resolved ? LoadUnmanagedDllFromPath(resolved) : IntPtr.Zero;
    }
}
