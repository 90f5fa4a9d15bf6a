using System.Net;

namespace Resume.Actors.Tests.Support;

/// <summary>A load balancer's health check: a GET of a health path that counts only a 200 in time.</summary>
public static class HealthProbe
{
    public static async Task<bool> IsOkAsync(IPEndPoint endpoint, string path, TimeSpan timeout)
    {
        try
        {
            using var connect = new CancellationTokenSource(timeout);
            await using var client = await RawHttpClient.ConnectAsync(endpoint).WaitAsync(connect.Token);
            return (await OneShotHttp.ExchangeAsync(client, "GET", path, null, timeout)).Status == 200;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }
}
