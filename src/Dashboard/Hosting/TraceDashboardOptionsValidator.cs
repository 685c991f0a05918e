using Microsoft.Extensions.Options;

namespace OrleansDist.Dashboard.Hosting;

/// <summary>Reports every problem of <see cref="TraceDashboardOptions"/> through the options system.</summary>
internal sealed class TraceDashboardOptionsValidator : IValidateOptions<TraceDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, TraceDashboardOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
