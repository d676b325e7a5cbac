using System.Globalization;
using Portal.Api.Common;

namespace Portal.Tests.Localization;

public sealed class LocalizedTextTests
{
    [Theory]
    [InlineData("en", "Name is required.")]
    [InlineData("ko", "Name은(는) 필수 항목입니다.")]
    [InlineData("ko-KR", "Name은(는) 필수 항목입니다.")]
    public void Shared_messages_follow_the_current_ui_culture(string culture, string expected)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo(culture);
            var errors = new ValidationErrors();
            errors.Text("name", "", 10, required: true, "Name");
            Assert.Equal(expected, errors.ToDictionary()["name"].Single());
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
