using System.Text;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Tests.Transport;

/// <summary>An <see cref="IBodyReceiver"/> that writes down what it is handed.</summary>
internal sealed class RecordingBodyReceiver : IBodyReceiver
{
    public List<string> Pieces { get; } = [];

    public bool SawEnd { get; private set; }

    public RequestRejectedException? Failure { get; private set; }

    public void OnBody(RequestBody part)
    {
        Pieces.Add(Encoding.Latin1.GetString(part.Data.Span));
        SawEnd |= part.IsLast;
    }

    public void OnBodyFailed(RequestRejectedException rejection) => Failure = rejection;
}
