namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>Passes writes through to an inner stream until <paramref name="failAfter"/> bytes, then throws, as a full
/// disk or a crash half way through a save would stop it.</summary>
internal sealed class FailingStream(Stream inner, long failAfter) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > failAfter)
        {
            inner.Write(buffer[..(int)(failAfter - _written)]);
            _written = failAfter;
            throw new IOException("simulated crash after " + failAfter + " bytes");
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
