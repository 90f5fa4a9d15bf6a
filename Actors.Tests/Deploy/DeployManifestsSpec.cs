using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Resume.Actors.Hosting;
using YamlDotNet.RepresentationModel;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// Every file of deploy/ against the server: the ports, health paths and drain budget of the
/// configuration deploy/ runs with (deploy/resume-node.conf over HOCON/resume.conf, loaded as the
/// server loads it), the environment variables <see cref="EnvironmentOverrides"/> reads, and the
/// executable the repository builds. The YAML is parsed with YamlDotNet; the Dockerfile, the systemd
/// unit, the nginx configuration and the script are read simply. So none of them can drift.
/// </summary>
public sealed partial class DeployManifestsSpec
{
    private static readonly string[] NodeServices = ["resume-1", "resume-2", "resume-3"];
    private readonly ServerSettings _settings = DeployedConfig.Settings();
    private readonly DrainBudget _budget = DrainBudget.OfDeployment();
    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    /// <summary>The variables the server reads (<see cref="EnvironmentOverrides.Names"/>).</summary>
    private static IReadOnlySet<string> ServerVariables => EnvironmentOverrides.Names;

    private TimeSpan GraceNeeded => _budget.Total + DrainBudget.Margin;

    [Fact]
    public void The_overlay_turns_on_both_health_paths_and_the_budget_is_the_one_the_cluster_notes_add_up()
    {
        Assert.NotNull(_settings.LivenessPath);
        Assert.NotNull(_settings.ReadinessPath);
        Assert.NotEqual(_settings.LivenessPath, _settings.ReadinessPath);
        // ../shared/CLUSTER-NOTES.md: delay 5 s + drain 10 s + hand-off <= 10 s + exiting <= 10 s, a 45 s grace.
        Assert.Equal(TimeSpan.FromSeconds(35), _budget.Total);
        // The server raises its own phase timeouts to cover the delay and the drain (ShutdownPhases).
        var raised = ShutdownPhases.Covering(DeployedConfig.Load(), _settings).WithFallback(DeployedConfig.Load());
        Assert.True(raised.GetTimeSpan(ShutdownPhases.TimeoutKey(ShutdownPhases.BeforeServiceUnbind)) >= _budget.UnbindDelay);
        Assert.True(raised.GetTimeSpan(ShutdownPhases.TimeoutKey(ShutdownPhases.ServiceRequestsDone)) >= _budget.DrainDeadline);
    }

    [Fact]
    public void The_container_image_runs_the_executable_the_repository_builds_on_the_configured_ports_with_readiness_as_its_health_check()
    {
        var froms = _dockerfile.Arguments("FROM").ToList();
        Assert.True(froms.Count >= 2, "multi-stage: the SDK builds, a runtime image runs");
        Assert.Contains("/dotnet/sdk:", froms[0], StringComparison.Ordinal);
        Assert.Matches("/dotnet/(runtime|runtime-deps|aspnet):", froms[^1]);

        Assert.True(File.Exists(RepositoryRoot.File(_dockerfile.Project)), $"{_dockerfile.Project} (ARG PROJECT) exists");
        Assert.Equal(AssemblyNameOf(_dockerfile.Project) + ".dll", _dockerfile.EntrypointDll);
        Assert.Contains(_dockerfile.Arguments("RUN"), run => run.Contains("dotnet publish \"$PROJECT\"", StringComparison.Ordinal));

        // Exec form, dotnet itself the main process: SIGTERM reaches it.
        Assert.StartsWith("[", _dockerfile.Arguments("ENTRYPOINT").Single(), StringComparison.Ordinal);
        Assert.Equal("dotnet", _dockerfile.Entrypoint[0]);
        Assert.Equal("SIGTERM", _dockerfile.Arguments("STOPSIGNAL").Single());
        Assert.Contains(_dockerfile.Arguments("COPY"), copy => copy == $"{DeployedConfig.OverlayPath} {_dockerfile.ConfigPath}");

        var user = _dockerfile.Arguments("USER").Last();
        Assert.DoesNotMatch("^(root|0)(:|$)", user);
        Assert.Equal([_settings.Port, _settings.Cluster.Port], _dockerfile.ExposedPorts);
        AssertProbesReadiness(_dockerfile.HealthCheckCommand);
    }

    [Fact]
    public void Compose_runs_three_nodes_seeded_by_service_name_with_the_grace_of_the_drain_budget_behind_nginx()
    {
        var compose = Assert.Single(Yaml.Documents("deploy/compose.yaml"));
        var services = compose.Entries("services");
        Assert.Equal([.. NodeServices, "nginx"], [.. services.Keys.OrderBy(k => k == "nginx").ThenBy(k => k, StringComparer.Ordinal)]);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.File("deploy"), services["resume-1"].Text("build", "context"), services["resume-1"].Text("build", "dockerfile"))));
        foreach (var name in NodeServices)
        {
            var node = services[name];
            var environment = node.Entries("environment").ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!);
            Assert.All(environment.Keys, name => Assert.Contains(name, ServerVariables));
            Assert.Equal(name, node.Text("hostname"));
            Assert.Equal(name, environment[EnvironmentOverrides.PublicHost]);
            Assert.Equal(NodeServices.Select(s => $"{s}:{_settings.Cluster.Port}"), environment[EnvironmentOverrides.Seeds].Split(','));
            Assert.Contains($"./resume-node.conf:{_dockerfile.ConfigPath}:ro", node.Items("volumes").Select(v => ((YamlScalarNode)v).Value));
            Assert.True(Seconds(node.Text("stop_grace_period")) >= GraceNeeded, $"{name}: stop_grace_period {node.Text("stop_grace_period")} covers {_budget} and {DrainBudget.Margin.TotalSeconds} s");
            Assert.Equal("SIGTERM", node.Text("stop_signal"));
            var test = node.Items("healthcheck", "test").Select(t => ((YamlScalarNode)t).Value!).ToList();
            Assert.Equal("CMD", test[0]);
            Assert.Equal(_dockerfile.HealthCheckCommand, test[1..]);
        }

        var nginx = services["nginx"];
        Assert.Contains("./nginx/resume.conf:/etc/nginx/conf.d/default.conf:ro", nginx.Items("volumes").Select(v => ((YamlScalarNode)v).Value));
        var upstream = Nginx().Block("upstream", "resume");
        Assert.Equal(NodeServices.Select(s => $"{s}:{_settings.Port}"), upstream.All("server").Select(s => s.Arguments[0]));
    }

    [Fact]
    public void Kubernetes_runs_a_statefulset_seeded_by_its_pods_stable_names_probed_on_the_health_paths_within_the_drain_budget()
    {
        var kustomization = Assert.Single(Yaml.Documents("deploy/k8s/kustomization.yaml"));
        var listed = kustomization.Items("resources").Select(r => ((YamlScalarNode)r).Value!).Order(StringComparer.Ordinal).ToList();
        var files = Directory.GetFiles(RepositoryRoot.File("deploy/k8s"), "*.yaml").Select(f => Path.GetFileName(f)!).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, listed);
        var documents = listed.SelectMany(f => Yaml.Documents($"deploy/k8s/{f}")).ToList();

        var statefulSet = documents.Object("StatefulSet", "resume");
        var spec = statefulSet.At("spec");
        var replicas = spec.Int("replicas");
        var headlessName = spec.Text("serviceName");
        var pod = spec.At("template", "spec");
        Assert.True(TimeSpan.FromSeconds(pod.Int("terminationGracePeriodSeconds")) >= GraceNeeded,
            $"terminationGracePeriodSeconds {pod.Int("terminationGracePeriodSeconds")} covers {_budget} and {DrainBudget.Margin.TotalSeconds} s");
        Assert.Equal("true", pod.Text("securityContext", "runAsNonRoot"));

        var container = Assert.Single(pod.Items("containers"));
        var ports = container.Items("ports").ToDictionary(p => p.Text("name"), p => p.Int("containerPort"));
        Assert.Equal(_settings.Port, ports["http"]);
        Assert.Equal(_settings.Cluster.Port, ports["cluster"]);

        var environment = container.Items("env").ToDictionary(e => e.Text("name"), e => e.Find("value") is YamlScalarNode value ? value.Value! : "");
        // Variables that are not the server's are there only to be referenced by one that is, as $(POD_NAME).
        foreach (var name in environment.Keys.Where(n => !ServerVariables.Contains(n)))
            Assert.Contains(environment.Values, v => v.Contains($"$({name})", StringComparison.Ordinal));
        Assert.Equal($"$(POD_NAME).{headlessName}", environment[EnvironmentOverrides.PublicHost]);
        Assert.Equal(Enumerable.Range(0, replicas).Select(i => $"{statefulSet.Text("metadata", "name")}-{i}.{headlessName}:{_settings.Cluster.Port}"),
            environment[EnvironmentOverrides.Seeds].Split(','));

        Assert.Equal(_settings.ReadinessPath, container.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal(_settings.LivenessPath, container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("http", container.Text("readinessProbe", "httpGet", "port"));
        Assert.Equal("http", container.Text("livenessProbe", "httpGet", "port"));

        // The ConfigMap holds the overlay, mounted where the image's entry point reads it.
        var configMap = documents.Object("ConfigMap", pod.Items("volumes").Single().Text("configMap", "name"));
        var configFile = Path.GetFileName(_dockerfile.ConfigPath);
        Assert.Equal(Lines(RepositoryRoot.Read(DeployedConfig.OverlayPath)), Lines(configMap.Text("data", configFile)));
        Assert.Equal(Path.GetDirectoryName(_dockerfile.ConfigPath), container.Items("volumeMounts").Single().Text("mountPath"));

        var headless = documents.Object("Service", headlessName);
        Assert.Equal("None", headless.Text("spec", "clusterIP"));
        Assert.Equal("true", headless.Text("spec", "publishNotReadyAddresses"));
        var clusterPort = Assert.Single(headless.Items("spec", "ports"));
        Assert.Equal(_settings.Cluster.Port, clusterPort.Int("port"));
        Assert.Equal("cluster", clusterPort.Text("targetPort"));
        var traffic = documents.Single(d => d.Text("kind") == "Service" && d.Find("spec", "clusterIP") is null);
        Assert.Equal("http", Assert.Single(traffic.Items("spec", "ports")).Text("targetPort"));

        // A voluntary disruption keeps a majority: the split-brain resolver is keep-majority.
        var budget = documents.Single(d => d.Text("kind") == "PodDisruptionBudget");
        Assert.True(replicas - budget.Int("spec", "maxUnavailable") > replicas / 2);
        foreach (var selector in new[] { budget.At("spec", "selector", "matchLabels"), headless.At("spec", "selector"), traffic.At("spec", "selector") })
            Assert.Equal(spec.Entries("selector", "matchLabels").Keys, ((YamlMappingNode)selector).Children.Keys.Select(k => ((YamlScalarNode)k).Value!));
    }

    [Fact]
    public void The_image_and_the_systemd_unit_give_the_shared_array_pool_room_for_a_small_machines_connections()
    {
        const string Pool = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";
        var image = _dockerfile.Instructions.Where(i => i.Keyword == "ENV").Select(i => i.Arguments).Single(a => a.StartsWith(Pool + "=", StringComparison.Ordinal));
        var unit = SystemdUnit.Parse(RepositoryRoot.Read("deploy/systemd/resume.service"))["Service", "Environment"];

        Assert.True(int.Parse(image[(Pool.Length + 1)..], CultureInfo.InvariantCulture) >= 256, image);
        Assert.Equal(image, unit);
    }

    [Fact]
    public void The_systemd_unit_waits_for_notify_stops_with_SIGTERM_within_the_drain_budget_and_does_not_restart_a_configuration_error()
    {
        var unit = SystemdUnit.Parse(RepositoryRoot.Read("deploy/systemd/resume.service"));
        Assert.Equal("notify", unit["Service", "Type"]);
        var start = unit["Service", "ExecStart"].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("/dotnet", start[0], StringComparison.Ordinal);
        Assert.EndsWith("/" + _dockerfile.EntrypointDll, start[1], StringComparison.Ordinal);
        Assert.Equal(["--config", _dockerfile.ConfigPath], start[2..]);
        Assert.Equal("SIGTERM", unit["Service", "KillSignal"]);
        Assert.True(TimeSpan.FromSeconds(int.Parse(unit["Service", "TimeoutStopSec"], CultureInfo.InvariantCulture)) >= GraceNeeded);
        Assert.Equal("on-failure", unit["Service", "Restart"]);
        Assert.Contains("2", unit["Service", "RestartPreventExitStatus"].Split(' '));
        Assert.True(long.Parse(unit["Service", "LimitNOFILE"], CultureInfo.InvariantCulture) >= 65536);
        Assert.DoesNotMatch("^(root|0)$", unit["Service", "User"]);
        foreach (var variable in VariablesNamedIn(RepositoryRoot.Read("deploy/systemd/resume.service")))
            Assert.Contains(variable, ServerVariables);

        // systemd's own check of the file, where systemd is installed (it is on CI's machine).
        if (File.Exists("/usr/bin/systemd-analyze"))
        {
            using var verify = Process.Start(new ProcessStartInfo("/usr/bin/systemd-analyze", ["verify", RepositoryRoot.File("deploy/systemd/resume.service")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var said = verify.StandardError.ReadToEnd() + verify.StandardOutput.ReadToEnd();
            verify.WaitForExit();
            Assert.True(verify.ExitCode == 0 && !said.Contains("resume.service", StringComparison.Ordinal), $"systemd-analyze verify: {said}");
        }
    }

    [Fact]
    public void Nginx_keeps_connections_to_the_nodes_retries_only_refused_connects_and_outwaits_a_suspended_request()
    {
        var nginx = Nginx();
        var upstream = nginx.Block("upstream", "resume");
        Assert.All(upstream.All("server"), server =>
        {
            Assert.EndsWith($":{_settings.Port}", server.Arguments[0], StringComparison.Ordinal);
            Assert.Contains(server.Arguments, a => a.StartsWith("max_fails=", StringComparison.Ordinal));
            Assert.Contains(server.Arguments, a => a.StartsWith("fail_timeout=", StringComparison.Ordinal));
        });
        Assert.True(int.Parse(upstream.One("keepalive").Arguments[0], CultureInfo.InvariantCulture) > 0);
        // nginx closes idle upstream connections before the node would, so it never sends on one being closed.
        Assert.True(Seconds(upstream.One("keepalive_timeout").Arguments[0]) < _settings.Connection.KeepAliveTimeout);

        var server = nginx.One("server");
        Assert.Equal(_settings.Limits.MaxBodySize, Size(server.One("client_max_body_size").Arguments[0]));
        var location = server.Block("location", "/");
        Assert.Equal("http://resume", location.One("proxy_pass").Arguments[0]);
        Assert.Equal("1.1", location.One("proxy_http_version").Arguments[0]);
        var headers = location.ProxyHeaders;
        Assert.Equal("", headers["Connection"]);
        Assert.Equal("$remote_addr", headers["X-Forwarded-For"]);
        Assert.Equal("$scheme", headers["X-Forwarded-Proto"]);
        Assert.Contains("for=", headers["Forwarded"], StringComparison.Ordinal);
        Assert.Contains("proto=$scheme", headers["Forwarded"], StringComparison.Ordinal);

        var next = location.One("proxy_next_upstream").Arguments;
        Assert.Contains("error", next);
        Assert.Contains("timeout", next);
        Assert.DoesNotContain("non_idempotent", next);
        // Longer than a request may wait silently before Resume answers 504 itself.
        Assert.True(Seconds(location.One("proxy_read_timeout").Arguments[0]) > _settings.DefaultAppOptions.SuspendTimeout);
        Assert.Equal("off", location.One("proxy_buffering").Arguments[0]);
    }

    [Fact]
    public void The_three_host_script_runs_the_executable_the_image_runs_on_the_configured_ports_and_waits_out_the_drain_budget()
    {
        var variables = ShellVariables.Of(RepositoryRoot.Read("deploy/three-hosts.sh"));
        Assert.Equal(_dockerfile.Project, variables["PROJECT"]);
        Assert.Equal(_dockerfile.EntrypointDll, variables["DLL"]);
        Assert.Equal(_settings.Port, int.Parse(variables["HTTP_PORT"], CultureInfo.InvariantCulture));
        Assert.Equal(_settings.Cluster.Port, int.Parse(variables["CLUSTER_PORT"], CultureInfo.InvariantCulture));
        Assert.True(TimeSpan.FromSeconds(int.Parse(variables["STOP_WAIT"], CultureInfo.InvariantCulture)) >= GraceNeeded);
        Assert.Equal(DeployedConfig.OverlayPath, variables["NODE_CONF"].Replace("$REPO/", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_RESUME_variable_deploy_names_is_one_the_server_reads()
    {
        var named = Directory.GetFiles(RepositoryRoot.File("deploy"), "*", SearchOption.AllDirectories)
            .SelectMany(file => VariablesNamedIn(File.ReadAllText(file)).Select(v => (file, v)))
            .ToList();
        Assert.NotEmpty(named);
        Assert.All(named, n => Assert.True(ServerVariables.Contains(n.v), $"{n.file} names {n.v}, which EnvironmentOverrides does not read"));
    }

    private void AssertProbesReadiness(IReadOnlyList<string> command)
    {
        var script = string.Join(' ', command);
        Assert.Contains($"/dev/tcp/127.0.0.1/{_settings.Port}", script, StringComparison.Ordinal);
        Assert.Contains($"GET {_settings.ReadinessPath} HTTP/1.1", script, StringComparison.Ordinal);
        Assert.Contains("grep -q ' 200 '", script, StringComparison.Ordinal);
    }

    private static NginxConfig Nginx() => NginxConfig.Parse(RepositoryRoot.Read("deploy/nginx/resume.conf"));

    private static string AssemblyNameOf(string project)
    {
        var text = RepositoryRoot.Read(project);
        return AssemblyNameElement().Match(text) is { Success: true } m ? m.Groups[1].Value : Path.GetFileNameWithoutExtension(project);
    }

    private static IEnumerable<string> VariablesNamedIn(string text) => ResumeVariable().Matches(text).Select(m => m.Value).Distinct();

    private static string[] Lines(string text) => [.. text.Split('\n').Select(l => l.TrimEnd()).Reverse().SkipWhile(l => l.Length == 0).Reverse()];

    private static TimeSpan Seconds(string text) =>
        TimeSpan.FromSeconds(int.Parse(text.EndsWith('s') ? text[..^1] : text, CultureInfo.InvariantCulture));

    private static long Size(string text) => char.ToLowerInvariant(text[^1]) switch
    {
        'k' => long.Parse(text[..^1], CultureInfo.InvariantCulture) * 1024,
        'm' => long.Parse(text[..^1], CultureInfo.InvariantCulture) * 1024 * 1024,
        'g' => long.Parse(text[..^1], CultureInfo.InvariantCulture) * 1024 * 1024 * 1024,
        _ => long.Parse(text, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNameElement();

    [GeneratedRegex(@"\bRESUME_[A-Z0-9_]+")]
    private static partial Regex ResumeVariable();
}
