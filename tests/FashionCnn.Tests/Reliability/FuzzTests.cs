using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Prediction;
using FashionCnn.Tests.Interop;
using SkiaSharp;
using Xunit.Abstractions;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// Seeded, bounded fuzzing of every loader: valid files mutated by bit flips, truncation and forged length fields.
/// Each case must load, or be refused with this tool's one-line error (what the command line prints with exit code 2),
/// within a time bound and a bound on the resident memory it takes; anything else (another exception, a hang, memory a
/// forged size asked for) fails the test, naming the case. Resident memory is the process's, so these run alone.
/// </summary>
[Collection(nameof(Serial))]
public class FuzzTests(ITestOutputHelper output)
{
    private const int CasesPerFormat = 60;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>How one case ended: loaded, refused with a message, or something else; and how far resident memory rose.</summary>
    private sealed record Outcome(bool Loaded, string? Refusal, Exception? Other, long? ResidentGrowth);

    private static IEnumerable<byte[]> Mutations(byte[] valid, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < CasesPerFormat; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            switch (i % 4)
            {
                case 0: // a few flipped bits
                    for (int k = 0; k < 1 + random.Next(8); k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // cut short
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 2: // a forged length or size field: four bytes set huge, mostly near the start where headers live
                    int at = random.Next(Math.Min(bytes.Length - 4, i % 8 == 2 ? 64 : bytes.Length - 4));
                    byte[] huge = random.Next(2) == 0 ? [0x7f, 0xff, 0xff, 0xff] : [0xff, 0xff, 0xff, 0x7f];
                    huge.CopyTo(bytes, at);
                    break;
                default: // a block of noise
                    int start = random.Next(bytes.Length), length = Math.Min(bytes.Length - start, 1 + random.Next(64));
                    random.NextBytes(bytes.AsSpan(start, length));
                    break;
            }
            yield return bytes;
        }
    }

    /// <summary>
    /// Runs <paramref name="load"/> on every mutation of <paramref name="valid"/>. <paramref name="memoryBound"/> is how far
    /// a case may raise resident memory: the largest thing the format's documented limits let a file ask for, plus room.
    /// (Allocated bytes would not do: PureHDF allocates what a size field says before it finds the file too short, up to
    /// 2 GB that it never touches.)
    /// </summary>
    private void Fuzz(string name, byte[] valid, int seed, long memoryBound, Action<string> load)
    {
        using var temp = new TempFolder();
        // The valid file first: libtorch, the decoders and the JIT are loaded once, not charged to the first case.
        File.WriteAllBytes(temp.File(name), valid);
        load(temp.File(name));
        int index = 0, refused = 0;
        long most = 0;
        foreach (byte[] mutated in Mutations(valid, seed))
        {
            int number = index++;
            string path = temp.File($"{number}-{name}");
            File.WriteAllBytes(path, mutated);
            var attempt = Task.Run(() => Attempt(path, load));
            Assert.True(attempt.Wait(Limit), $"case {number} of {name} did not finish in {Limit.TotalSeconds} s");
            var outcome = attempt.Result;

            Assert.True(outcome.Other is null, $"case {number} of {name} ended in {outcome.Other}");
            Assert.True(outcome.Refusal is null || (outcome.Refusal.Length > 0 && !outcome.Refusal.Contains('\n')),
                $"case {number} of {name} was refused with more than one line: {outcome.Refusal}");
            Assert.True(outcome.ResidentGrowth is null || outcome.ResidentGrowth <= memoryBound,
                $"case {number} of {name} raised resident memory by {outcome.ResidentGrowth / MB} MB, over its bound of {memoryBound / MB} MB");
            if (outcome.Refusal is not null) refused++;
            most = Math.Max(most, outcome.ResidentGrowth ?? 0);
        }
        output.WriteLine($"{name}: {refused} of {CasesPerFormat} refused; one case raised resident memory by at most {most / (double)MB:F1} MB"
            + (PeakResident.Reset() is null ? " (not measured: this system does not let a process reset its peak)" : ""));
        Assert.True(refused > 0, $"no mutation of {name} was refused");
    }

    /// <summary>The load, with the rise of the process's peak resident memory over what it held before.</summary>
    private static Outcome Attempt(string path, Action<string> load)
    {
        GC.Collect();
        long? before = PeakResident.Reset();
        long? Growth() => before is long start ? PeakResident.Bytes() - start : null;
        try
        {
            load(path);
            return new Outcome(true, null, null, Growth());
        }
        catch (FashionCnnException e)
        {
            return new Outcome(false, e.Message, null, Growth());
        }
        catch (Exception e)
        {
            return new Outcome(false, null, e, Growth());
        }
    }

    private const long MB = 1 << 20;

    [Fact]
    public void Idx_files()
    {
        using var temp = new TempFolder();
        // A header may declare up to the 64 MB IdxFile reads; the data array is allocated at that size once.
        string path = Data.IdxWriter.Images(temp.File("images"), count: 20, gzip: true);
        Fuzz("images.gz", File.ReadAllBytes(path), seed: 1, 80 * MB, p => IdxFile.Read(p, IdxFile.ImageMagic));
        string raw = Data.IdxWriter.Images(temp.File("raw"), count: 20);
        Fuzz("images", File.ReadAllBytes(raw), seed: 2, 80 * MB, p => IdxFile.Read(p, IdxFile.ImageMagic));
    }

    [Fact]
    public void Fashioncnn_checkpoints()
    {
        using var temp = new TempFolder();
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(1);
        Checkpoint.Save(net, temp.File("m.safetensors"));
        // The whole file (1.3 MB) and its tensors: nothing in it can ask for more than the file holds.
        Fuzz("m.safetensors", File.ReadAllBytes(temp.File("m.safetensors")), seed: 3, 64 * MB, p => ModelFile.Load(p).Net.Dispose());
    }

    [Fact]
    public void Keras_h5_files()
    {
        using var temp = new TempFolder();
        new KerasTestModel().WriteH5(temp.File("m.h5"));
        Fuzz("m.h5", File.ReadAllBytes(temp.File("m.h5")), seed: 4, 64 * MB, p => ModelFile.Load(p).Net.Dispose());
    }

    [Fact]
    public void Keras_zip_files()
    {
        using var temp = new TempFolder();
        new KerasTestModel().WriteKeras(temp.File("m.keras"));
        Fuzz("m.keras", File.ReadAllBytes(temp.File("m.keras")), seed: 6, 64 * MB, p => ModelFile.Load(p).Net.Dispose());
    }

    [Fact]
    public void Pytorch_state_dicts()
    {
        using var temp = new TempFolder();
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(2);
        Checkpoint.Save(net, temp.File("m.safetensors"));
        ModelExport.Write(ModelFile.Load(temp.File("m.safetensors")), ExportFormat.Pt, temp.File("m.pt"));
        Fuzz("m.pt", File.ReadAllBytes(temp.File("m.pt")), seed: 7, 64 * MB, p => ModelFile.Load(p).Net.Dispose());
    }

    [Fact]
    public void Png_pictures()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(40, 30, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 6), (byte)(y * 8), 90));
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        // A header may declare up to 4096 × 4096 pixels, decoded as 64 MB of RGBA.
        Fuzz("p.png", png.ToArray(), seed: 5, 100 * MB, p => ImagePreprocessing.Prepare(ImageFile.Decode(p)));
    }
}
