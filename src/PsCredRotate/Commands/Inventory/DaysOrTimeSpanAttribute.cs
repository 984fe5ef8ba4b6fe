using System;
using System.Globalization;
using System.Management.Automation;

namespace PsCredRotate.Commands.Inventory;

/// <summary>
/// Lets a TimeSpan parameter take a number of days (<c>-Within 30</c>) as well as a TimeSpan
/// (<c>-Within (New-TimeSpan -Days 30)</c>); PowerShell alone would read 30 as 30 ticks.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DaysOrTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject ps ? ps.BaseObject : inputData;
        switch (value)
        {
            case int or long or short or byte or double or float or decimal:
                return TimeSpan.FromDays(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double days):
                return TimeSpan.FromDays(days);
            default:
                return inputData;
        }
    }
}
