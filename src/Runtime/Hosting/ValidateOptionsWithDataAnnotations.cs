using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansDist.Runtime.Hosting;

/// <summary>Validates an options class by its data annotations, naming every violated rule.</summary>
internal sealed class ValidateOptionsWithDataAnnotations<TOptions> : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r => $"{typeof(TOptions).Name}.{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
    }
}
