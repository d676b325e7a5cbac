using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Rendering;

namespace Portal.Components.Account;

/// <summary>
/// A password field that never writes the typed value back into the page. The account forms are static: after a failed
/// post the page is rendered again from the posted model, and an <c>InputText</c> would carry the password in that HTML
/// (and so in any cache, proxy log or saved copy of it).
/// </summary>
public sealed class PasswordField : InputBase<string?>
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "input");
        builder.AddMultipleAttributes(1, AdditionalAttributes);
        builder.AddAttribute(2, "type", "password");
        builder.AddAttribute(3, "name", NameAttributeValue);
        builder.AddAttribute(4, "class", CssClass);
        builder.AddAttribute(5, "onchange", EventCallback.Factory.CreateBinder<string?>(this, value => CurrentValueAsString = value, null));
        builder.CloseElement();
    }

    protected override bool TryParseValueFromString(string? value, out string? result, out string validationErrorMessage)
    {
        result = value;
        validationErrorMessage = "";
        return true;
    }
}
