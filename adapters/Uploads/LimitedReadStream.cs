namespace Pps.Core.Uploads;

/// <summary>
/// Passes reads through and counts them; once more than the limit has been read, the read fails with an
/// <see cref="IOException"/> and <see cref="Exceeded"/> says why. Bounds what an upload or one zip part may
/// make the app read, whatever its sender or its zip directory claims.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    public long Count { get; private set; }
    public bool Exceeded { get; private set; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Counted(int read)
    {
        Count += read;
        if (Count > limit)
        {
            Exceeded = true;
            throw new IOException($"More than {limit} bytes were read.");
        }
        return read;
    }
}
