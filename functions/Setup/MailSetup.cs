using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pps.Core.Mail;
using Pps.Core.Returns;
using Pps.Core.Uploads;

namespace Pps.Functions.Setup;

public static class MailSetup
{
    /// <summary>
    /// Mail: the outbox queue and what feeds it (a receipt per submitted return, a result per checked upload, NPPN's
    /// chases and sign-in links, the reminder timer), the contacts, the ledger, and the sender the queue-triggered
    /// SendMail function uses: SMTP from the "Pps:Mail" settings (<see cref="MailOptions"/>). A test may register its
    /// own <see cref="IMailSender"/> first. Needs <see cref="StorageSetup.AddPpsStorage"/>.
    /// </summary>
    public static IServiceCollection AddPpsMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        services.TryAddSingleton<MailOutbox>();
        services.TryAddSingleton<MailLedger>();
        services.TryAddSingleton<ContactStore>();
        services.TryAddSingleton<IMailSender, SmtpMailSender>();
        services.TryAddSingleton<MailDispatcher>();
        services.TryAddSingleton<MailRequests>();
        services.TryAddSingleton<Reminders>();
        services.TryAddSingleton<MailEvents>();
        services.TryAddSingleton<IReturnEvents>(provider => provider.GetRequiredService<MailEvents>());
        services.TryAddSingleton<IUploadEvents>(provider => provider.GetRequiredService<MailEvents>());
        services.AddHostedService<MailQueueInitializer>();
        return services;
    }
}

/// <summary>Creates the outbox and its poison queue at start, after the tables and containers.</summary>
public sealed class MailQueueInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.GetRequiredService<MailOutbox>().EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Stops the app at start on mail settings that cannot work, naming the setting.</summary>
public sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var failures = new List<string>();
        if (options.SmtpPort is < 1 or > 65535) failures.Add($"Pps__Mail__SmtpPort is {options.SmtpPort}; it must be a TCP port (1-65535).");
        if (options.SmtpSecurity.Trim().ToLowerInvariant() is not ("auto" or "none" or "starttls" or "sslonconnect"))
        {
            failures.Add($"Pps__Mail__SmtpSecurity is \"{options.SmtpSecurity}\"; it must be Auto, None, StartTls or SslOnConnect.");
        }
        if (!ContactStore.IsAddress(options.From)) failures.Add("Pps__Mail__From is not one email address (such as DoNotReply@example.org).");
        if (!Uri.TryCreate(options.SiteUrl, UriKind.Absolute, out var site) || site.Scheme is not ("http" or "https"))
        {
            failures.Add($"Pps__Mail__SiteUrl is \"{options.SiteUrl}\"; it must be the site's address, such as https://pps.example.org/.");
        }
        if (options.MaxAttempts is < 1 or > 100) failures.Add($"Pps__Mail__MaxAttempts is {options.MaxAttempts}; it must be host.json's queues.maxDequeueCount (1-100).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
