using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Compatibility;

namespace Portal.Components.Tests;

/// <summary>How the tests' stored values read in the current language.</summary>
public static class TestLabels
{
    public static string Visibility(string visibility) => Localized<TestPageText>.Find("Visibility." + visibility) ?? visibility;

    public static string Visibility(TestVisibility visibility) => Visibility(Naming.ToSnakeCase(visibility));

    /// <summary>opencl-c reads "OpenCL C"; an unknown language reads as stored.</summary>
    public static string Language(string language) => Localized<TestPageText>.Find("Language." + language) ?? language;
}
