using System.Buffers;
using System.Net.Sockets;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Resume.Transport.Sockets;

/// <summary>
/// Reads a connected socket only when pulled. It waits for data with a zero-byte receive and rents a
/// buffer only once data is there, so an idle connection holds no buffer. An element is valid until
/// the next pull: the buffer is reused, so downstream copies whatever it keeps.
/// Completes on end of stream; fails with <see cref="SocketException"/> on a reset or error. On an
/// HTTPS connection (<see cref="SocketAttribute.Tls"/>) it reads the same way through TLS, and fails
/// with the <see cref="IOException"/> of a reset or a bad record.
/// </summary>
public sealed class SocketReadSource(int bufferSize) : GraphStage<SourceShape<ReadOnlyMemory<byte>>>
{
    public Outlet<ReadOnlyMemory<byte>> Out { get; } = new("SocketReadSource.out");

    public override SourceShape<ReadOnlyMemory<byte>> Shape => new(Out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, SocketAttribute.Get(inheritedAttributes));

    private sealed class Logic : PerConnectionLogic, IOutHandler
    {
        private readonly SocketReadSource _stage;
        private readonly Socket _socket;
        private readonly TlsConnection? _tls;
        private readonly SocketAsyncEventArgs _args = new();
        private Action<TlsRead>? _onTlsRead;
        private byte[]? _buffer;
        private bool _pending;
        private bool _waitingForData;

        public Logic(SocketReadSource stage, SocketAttribute socket)
            : base(inCount: 0, outCount: 1)
        {
            _stage = stage;
            _socket = socket.Socket;
            _tls = socket.Tls;
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            var onCompleted = GetAsyncCallback<SocketAsyncEventArgs>(OnReceived);
            _args.Completed += (_, args) => onCompleted(args);
            if (_tls is not null)
                _onTlsRead = GetAsyncCallback<TlsRead>(OnTlsRead);
        }

        public void OnPull()
        {
            // The previous element is consumed: give its buffer back while we wait for more data.
            ReturnBuffer();
            _waitingForData = true;
            if (_tls is not null)
            {
                ReadTls(Memory<byte>.Empty);
                return;
            }
            _args.SetBuffer(Memory<byte>.Empty);
            Receive();
        }

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        public override void PostStop()
        {
            // A receive in flight may still write into the buffer: leave both to the GC then.
            if (_pending)
                return;
            ReturnBuffer();
            _args.Dispose();
        }

        private void Receive()
        {
            _pending = true;
            bool async;
            try
            {
                async = _socket.ReceiveAsync(_args);
            }
            catch (ObjectDisposedException)
            {
                _pending = false;
                CompleteStage();
                return;
            }
            if (!async)
                OnReceived(_args);
        }

        private void OnReceived(SocketAsyncEventArgs args)
        {
            _pending = false;
            if (args.SocketError != SocketError.Success)
            {
                if (args.SocketError is SocketError.OperationAborted or SocketError.Shutdown)
                    CompleteStage();
                else
                    FailStage(new SocketException((int)args.SocketError));
                return;
            }
            if (_waitingForData)
            {
                // Data (or the end of the stream) is there: read it into a rented buffer.
                _waitingForData = false;
                _buffer = ArrayPool<byte>.Shared.Rent(_stage.BufferSize);
                _args.SetBuffer(_buffer, 0, _buffer.Length);
                Receive();
                return;
            }
            if (args.BytesTransferred == 0)
            {
                CompleteStage();
                return;
            }
            Push(_stage.Out, new ReadOnlyMemory<byte>(_buffer, 0, args.BytesTransferred));
        }

        private void ReadTls(Memory<byte> buffer)
        {
            _pending = true;
            ValueTask<int> read;
            try
            {
                read = _tls!.ReadAsync(buffer);
            }
            catch (Exception e)
            {
                OnTlsRead(new TlsRead(0, e));
                return;
            }
            if (read.IsCompletedSuccessfully)
                OnTlsRead(new TlsRead(read.Result, null));
            else
                _ = AwaitTlsRead(read, _onTlsRead!);
        }

        private static async Task AwaitTlsRead(ValueTask<int> read, Action<TlsRead> onRead)
        {
            TlsRead outcome;
            try
            {
                outcome = new TlsRead(await read.ConfigureAwait(false), null);
            }
            catch (Exception e)
            {
                outcome = new TlsRead(0, e);
            }
            onRead(outcome);
        }

        private void OnTlsRead(TlsRead read)
        {
            _pending = false;
            if (read.Error is not null)
            {
                // The socket closed under the read (the connection ends) is an end, as for plain sockets.
                if (read.Error is ObjectDisposedException || read.Error.InnerException is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Shutdown })
                    CompleteStage();
                else
                    FailStage(read.Error);
                return;
            }
            if (_waitingForData)
            {
                _waitingForData = false;
                _buffer = ArrayPool<byte>.Shared.Rent(_stage.BufferSize);
                ReadTls(_buffer);
                return;
            }
            if (read.Bytes == 0)
            {
                CompleteStage();
                return;
            }
            Push(_stage.Out, new ReadOnlyMemory<byte>(_buffer, 0, read.Bytes));
        }

        private void ReturnBuffer()
        {
            if (_buffer is null)
                return;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    private int BufferSize => bufferSize;

    /// <summary>What a read through TLS gave: bytes (0 at the end), or the error it failed with.</summary>
    private readonly record struct TlsRead(int Bytes, Exception? Error);
}
