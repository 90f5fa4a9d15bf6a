using RemoteAsk;

// A bare Akka.NET remote ask, the floor the cluster scenario's remote row is judged against:
//   RemoteAsk target --port P
//     an actor, echo, that answers each request with a reply, until the process is stopped
//   RemoteAsk ask --target-port P --outstanding N --warmup S --duration S [--rate R]
//     keeps N asks outstanding against it (with --rate, at most R asks a second in all, spread over
//     the N: the rate the HTTP scenario's remote row reached); after the warm-up, measures for the duration and prints
//     one JSON line: {"asks_per_s":..,"p50_ms":..,"p99_ms":..,"cpu_per_ask_us":..,"errors":..}
try
{
    return args switch
    {
        ["target", "--port", var port] => await Target.Run(Number(port)),
        ["ask", "--target-port", var port, "--outstanding", var outstanding, "--warmup", var warmup, "--duration", var duration] =>
            await Asker.Run(Number(port), Number(outstanding), TimeSpan.FromSeconds(Number(warmup)), TimeSpan.FromSeconds(Number(duration)), 0),
        ["ask", "--target-port", var port, "--outstanding", var outstanding, "--warmup", var warmup, "--duration", var duration, "--rate", var rate] =>
            await Asker.Run(Number(port), Number(outstanding), TimeSpan.FromSeconds(Number(warmup)), TimeSpan.FromSeconds(Number(duration)), Number(rate)),
        _ => Usage(),
    };
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    return Usage();
}

static int Number(string text) => int.TryParse(text, out var n) && n >= 0 ? n : throw new FormatException($"not a number: {text}");

static int Usage()
{
    Console.Error.WriteLine("usage: RemoteAsk target --port P");
    Console.Error.WriteLine("       RemoteAsk ask --target-port P --outstanding N --warmup S --duration S [--rate R]");
    return 2;
}
