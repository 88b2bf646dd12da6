using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Prediction;
using FashionCnn.Tests.Interop;
using SkiaSharp;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// Seeded, bounded fuzzing of every loader: valid files mutated by bit flips, truncation and forged
/// length fields must each end in a result or this tool's one-line error, quickly, never in a crash or a hang.
/// </summary>
public class FuzzTests
{
    private const int CasesPerFormat = 60;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

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

    private static void Fuzz(string name, byte[] valid, int seed, Action<string> load)
    {
        using var temp = new TempFolder();
        int index = 0, loaded = 0, refused = 0;
        foreach (byte[] mutated in Mutations(valid, seed))
        {
            string path = temp.File($"{index++}-{name}");
            File.WriteAllBytes(path, mutated);
            var attempt = Task.Run(() =>
            {
                try
                {
                    load(path);
                    return true;
                }
                catch (FashionCnnException e)
                {
                    Assert.DoesNotContain('\n', e.Message);
                    return false;
                }
            });
            Assert.True(attempt.Wait(Limit), $"case {index - 1} of {name} did not finish in {Limit.TotalSeconds} s");
            if (attempt.Result) loaded++; else refused++;
        }
        Assert.Equal(CasesPerFormat, loaded + refused);
        Assert.True(refused > 0, $"no mutation of {name} was refused");
    }

    [Fact]
    public void Idx_files()
    {
        using var temp = new TempFolder();
        string path = Data.IdxWriter.Images(temp.File("images"), count: 20, gzip: true);
        Fuzz("images.gz", File.ReadAllBytes(path), seed: 1, p => IdxFile.Read(p, IdxFile.ImageMagic));
        string raw = Data.IdxWriter.Images(temp.File("raw"), count: 20);
        Fuzz("images", File.ReadAllBytes(raw), seed: 2, p => IdxFile.Read(p, IdxFile.ImageMagic));
    }

    [Fact]
    public void Fashioncnn_checkpoints()
    {
        using var temp = new TempFolder();
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(1);
        Checkpoint.Save(net, temp.File("m.safetensors"));
        Fuzz("m.safetensors", File.ReadAllBytes(temp.File("m.safetensors")), seed: 3, p => ModelFile.Load(p).Net.Dispose());
    }

    [Fact]
    public void Keras_h5_files()
    {
        using var temp = new TempFolder();
        new KerasTestModel().WriteH5(temp.File("m.h5"));
        Fuzz("m.h5", File.ReadAllBytes(temp.File("m.h5")), seed: 4, p => ModelFile.Load(p).Net.Dispose());
    }

    [Fact]
    public void Png_pictures()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(40, 30, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 6), (byte)(y * 8), 90));
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        Fuzz("p.png", png.ToArray(), seed: 5, p => ImagePreprocessing.Prepare(ImageFile.Decode(p)));
    }
}
