using System.Reflection;
using System.Runtime.CompilerServices;
using PsCredRotate.Core.Dfns.Webhooks;

namespace PsCredRotate.Core.Tests.Dfns.Webhooks;

public sealed class FixedTimeTests
{
    private static byte[] Bytes(params byte[] b) => b;

    [Fact]
    public void Equal_arrays_are_equal() =>
        Assert.True(FixedTime.BytesEqual(Bytes(1, 2, 3, 255), Bytes(1, 2, 3, 255)));

    [Fact]
    public void Two_empty_arrays_are_equal() =>
        Assert.True(FixedTime.BytesEqual(new byte[0], new byte[0]));

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(31)]
    public void Arrays_that_differ_in_one_bit_anywhere_are_not_equal(int position)
    {
        byte[] left = new byte[32];
        byte[] right = new byte[32];
        right[position] = 0x80;

        Assert.False(FixedTime.BytesEqual(left, right));
        Assert.False(FixedTime.BytesEqual(right, left));
    }

    [Fact]
    public void Arrays_of_different_lengths_are_not_equal_even_when_one_is_a_prefix_of_the_other() =>
        Assert.False(FixedTime.BytesEqual(Bytes(1, 2, 3), Bytes(1, 2, 3, 4)));

    [Fact]
    public void A_null_array_equals_nothing()
    {
        Assert.False(FixedTime.BytesEqual(null!, Bytes(1)));
        Assert.False(FixedTime.BytesEqual(Bytes(1), null!));
    }

    [Fact]
    public void The_comparison_is_neither_inlined_nor_optimised_so_the_loop_always_reads_every_byte()
    {
        MethodInfo method = typeof(FixedTime).GetMethod(nameof(FixedTime.BytesEqual))!;
        MethodImplAttributes flags = method.GetMethodImplementationFlags();

        Assert.True(flags.HasFlag(MethodImplAttributes.NoInlining));
        Assert.True(flags.HasFlag(MethodImplAttributes.NoOptimization));
    }
}
