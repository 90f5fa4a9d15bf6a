using System.Runtime.CompilerServices;

// The tests reach the server's internal test hooks (ServerActor.Crash, ConnectionActor.GetStage, ...)
// to inject faults; nothing outside this assembly and its tests can send them.
[assembly: InternalsVisibleTo("Resume.Actors.Tests")]
