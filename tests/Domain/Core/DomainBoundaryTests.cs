using System.Reflection;
using Pps.Core.Validation;
using Xunit;

namespace Pps.Tests.Core;

/// <summary>
/// The domain (core/) must not know its storage or its file formats (docs/architecture.md): what it is compiled
/// against is the proof, since a using added anywhere in core would pull one of these in.
/// </summary>
public class DomainBoundaryTests
{
    private static readonly string[] Infrastructure = ["Azure.", "DocumentFormat.OpenXml", "CsvHelper", "MailKit", "MimeKit", "Microsoft.Azure.Functions"];

    [Fact]
    public void The_domain_assembly_references_no_storage_file_format_or_mail_library()
    {
        var domain = typeof(ReturnValidator).Assembly;
        var references = domain.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("System.Text.Json", references);
        Assert.Empty(references.Where(name => Infrastructure.Any(name.StartsWith)));
    }
}
