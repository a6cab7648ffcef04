using System.ComponentModel.DataAnnotations;

namespace CrawlerConfig;

/// <summary>One row of the config table: whether the crawler of a carrier (by SCAC code) runs.</summary>
public sealed class CarrierConfig
{
    [Key]
    [MaxLength(4)]
    public string ScacCode { get; set; } = "";

    public bool Enabled { get; set; }

    public DateTime UpdatedAt { get; set; }
}
