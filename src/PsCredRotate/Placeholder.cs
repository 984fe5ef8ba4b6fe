namespace PsCredRotate;

internal static class Placeholder
{
}
