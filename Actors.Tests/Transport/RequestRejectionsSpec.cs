using System.Text;
using Resume.Transport.Http;

namespace Resume.Actors.Tests.Transport;

/// <summary>The one list of rejection reasons, and the server's own error responses.</summary>
public sealed class RequestRejectionsSpec
{
    public static TheoryData<RequestRejectionReason> Reasons()
    {
        var reasons = new TheoryData<RequestRejectionReason>();
        foreach (var reason in Enum.GetValues<RequestRejectionReason>())
            reasons.Add(reason);
        return reasons;
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public void Every_reason_has_a_client_error_status_and_a_sentence(RequestRejectionReason reason)
    {
        Assert.Contains(RequestRejections.Status(reason), new[] { 400, 408, 413, 414, 431, 501, 505 });
        var message = RequestRejections.Message(reason, 42);
        Assert.EndsWith(".", message);
        Assert.DoesNotContain("{", message);
        Assert.NotEqual("Status", ResponseHead.ReasonPhrase(RequestRejections.Status(reason)));
    }

    [Fact]
    public void A_rejection_carries_its_reason_status_and_message_with_its_detail()
    {
        var rejection = new RequestRejectedException(RequestRejectionReason.HeadersTooLarge, 32768);
        Assert.Equal(RequestRejectionReason.HeadersTooLarge, rejection.Reason);
        Assert.Equal(431, rejection.Status);
        Assert.Equal("The header section is larger than 32768 bytes.", rejection.Message);
        Assert.IsAssignableFrom<IOException>(rejection);
        Assert.Equal("The request head did not arrive within 2.5 s.", RequestRejections.Message(RequestRejectionReason.HeadTimeout, 2.5));
    }

    [Fact]
    public void An_error_response_is_plain_text_with_its_length()
    {
        var response = ErrorResponse.For(504, "504 Gateway Timeout (request 7)\n");
        Assert.Equal(504, response.Head.Status);
        Assert.Equal("504 Gateway Timeout", response.Head.StatusLine);
        Assert.Equal("504 Gateway Timeout (request 7)\n", Encoding.UTF8.GetString(response.Body.Span));
        Assert.Equal((long?)response.Body.Length, response.Head.ContentLength);
        Assert.Contains(new KeyValuePair<string, string>("Content-Type", "text/plain; charset=utf-8"), response.Head.Headers);

        var part = response.ToResponseOut(seq: 3, ResponseContext.Unparsed);
        Assert.Equal(3, part.Seq);
        Assert.True(part.IsFinal);
        Assert.Same(response.Head, part.Head);
    }
}
