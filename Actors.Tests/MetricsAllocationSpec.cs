using Akka.Actor;
using Resume.Actors.Metrics;
using Resume.Actors.Stats;

namespace Resume.Actors.Tests;

/// <summary>Recording a request's metrics allocates nothing once its series exist, with the Prometheus exporter listening.</summary>
// Not beside OtlpExportSpec: OpenTelemetry's listener takes every meter named Resume, this one's too,
// and its first measurements of a series allocate on the recording thread.
[Collection(OtlpExportSpec.Collection)]
public sealed class MetricsAllocationSpec
{
    [Fact]
    public void A_request_recorded_into_existing_series_allocates_nothing()
    {
        using var metrics = new ServerMetrics();
        var exporter = metrics.Prometheus();
        var status = new RequestStatus("1-1", "app", "GET", "/", ActorRefs.Nobody);
        void Once()
        {
            metrics.ConnectionOpened();
            metrics.RequestStarted(status, "http");
            status.Enter("suspended", "future");
            status.Enter("running");
            metrics.RequestEnded(status, 1, new RequestEnd(200, 3, 10, 20, null));
            metrics.Rejected(RejectionReasons.Timeout, 504);
            metrics.ConnectionClosed();
        }

        // The first request makes the series; the same status code and tags find them afterwards.
        Once();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            Once();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        var scrape = new Support.PrometheusScrape(exporter.Render());
        Assert.Equal(1001, scrape.Value("http_server_request_duration_seconds_count", "http_response_status_code=200"));
        Assert.Equal(1001, scrape.Value("resume_connections_total"));
        Assert.Equal(0, scrape.Value("resume_requests_suspended"));
        Assert.Equal(0, scrape.Value("http_server_active_requests"));
    }
}
