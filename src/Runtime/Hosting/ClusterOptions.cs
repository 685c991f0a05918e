using System.ComponentModel.DataAnnotations;

namespace OrleansDist.Runtime.Hosting;

/// <summary>Which cluster a silo or client belongs to.</summary>
public sealed class ClusterOptions
{
    public const string DefaultClusterId = "dev";
    public const string DefaultServiceId = "orleansdist";

    /// <summary>Identifies one deployment; silos and clients of different ClusterIds refuse each other's connections.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "ClusterId must be 1-64 characters of letters, digits, '.', '_' or '-'.")]
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Identifies the application across deployments; persisted grain state is keyed by it.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "ServiceId must be 1-64 characters of letters, digits, '.', '_' or '-'.")]
    public string ServiceId { get; set; } = DefaultServiceId;
}
