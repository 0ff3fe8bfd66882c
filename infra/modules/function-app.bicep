// The Function App (Flex Consumption, Linux, .NET isolated worker) and ALL of its app settings.
//
// App settings live in exactly one place: the `appSettings` resource below (a Microsoft.Web/sites/config
// resource named 'appsettings'). Its keys are the names in local.settings.sample.json (repo root), in their
// identity-based forms: a setting X counts as set when X or any X__... key is present. The one exception is
// FUNCTIONS_WORKER_RUNTIME: Flex Consumption rejects it as an app setting and takes it from
// functionAppConfig.runtime.name instead, which is set below to the literal 'dotnet-isolated' so that the
// compiled template shows it (infra/.out/main.json: properties.functionAppConfig.runtime.name of the
// Microsoft.Web/sites resource).

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('azd service name from azure.yaml; azd finds the app to deploy to by this tag.')
param azdServiceName string = 'api'

@description('Name of the storage account (host storage and the app\'s storage).')
param storageAccountName string

@description('Name of the app\'s user-assigned identity (modules/identity.bicep); its roles exist before the app.')
param appIdentityName string

@description('Container the Flex Consumption deployment package is written to.')
param deploymentContainerName string

@description('Origins allowed to call the API from a browser (the static website\'s origin).')
param allowedOrigins array

@description('Application Insights connection string (no secret: local auth is disabled on the resource).')
param applicationInsightsConnectionString string

@description('Prefix of the app\'s table names.')
param tablePrefix string

@description('Container that receives the uploaded workbooks.')
param uploadsContainerName string

@description('Container that holds the validation reports.')
param reportsContainerName string

@description('Container that holds reference data.')
param referenceContainerName string

@description('Container the published chart data is written to (the static website\'s $web).')
param publishedContainerName string

@description('Folder of the published chart data in that container (Pps__PublishedPrefix); the lifecycle rule uses the same value.')
param publishedPrefix string

@description('Container of NPPN\'s provisional sets (private).')
param provisionalContainerName string

@description('Container of the table backups.')
param backupsContainerName string

@description('NCRONTAB schedule of the table backup timer function.')
param backupSchedule string

@description('Blob endpoint of the account that receives a copy of every backup (modules/backup-copy.bicep); empty for none.')
param backupCopyBlobEndpoint string

@description('SHA-256 (lowercase hex) of NPPN\'s admin token.')
@secure()
param adminTokenSha256 string

@description('NCRONTAB schedule of the close-year timer function.')
param closeYearSchedule string

@description('NCRONTAB schedule of the reminder timer function (ReminderSchedule).')
param reminderSchedule string

@description('Name of the mail outbox queue (Pps__MailQueue); its poison queue is this name with "-poison".')
param mailQueueName string

@description('SMTP server the app sends mail through (Azure Communication Services\' relay).')
param mailSmtpHost string

@description('Its port (587 with STARTTLS for the relay).')
param mailSmtpPort int

@description('Sender address (an address of the Communication Services email domain).')
param mailFrom string

@description('SMTP user name: "<communication service>|<Entra app id>|<tenant id>"; empty until NPPN registers the application.')
param mailSmtpUserName string

@description('SMTP password: a client secret of that Entra application; empty until then.')
@secure()
param mailSmtpPassword string

@description('The public site\'s address, for the links in mail (the static website).')
param siteUrl string

@description('Memory of each instance in MB (Flex Consumption: 512, 2048 or 4096).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on the number of instances (a cost guard-rail).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${appIdentity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: appIdentity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // FUNCTIONS_WORKER_RUNTIME and the .NET version (Flex Consumption's equivalent of the app setting).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// THE app settings (see the header). Identity-based connections only: no connection strings, no keys.
resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host storage (AzureWebJobsStorage), through the app's user-assigned identity.
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: appIdentity.properties.clientId
    // The app's storage (PpsStorage): tables, blobs and the Event Grid blob trigger (its poison queue). The app
    // builds its clients with Microsoft.Extensions.Azure, which reads the same __credential and __clientId.
    PpsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    PpsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    PpsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    PpsStorage__credential: 'managedidentity'
    PpsStorage__clientId: appIdentity.properties.clientId
    Pps__TablePrefix: tablePrefix
    // The template creates the tables (storage.bicep) and the app's identity may use only their entities
    // (roles.bicep): the app checks they are there at start instead of creating them.
    Pps__TablesProvisioned: 'true'
    Pps__UploadsContainer: uploadsContainerName
    Pps__ReportsContainer: reportsContainerName
    Pps__ReferenceContainer: referenceContainerName
    Pps__PublishedContainer: publishedContainerName
    // The folder of $web the app publishes under: main.bicep's publishedPrefix, which storage.bicep's lifecycle
    // rule and the postdeploy upload (output PUBLISHED_PREFIX) also use.
    Pps__PublishedPrefix: publishedPrefix
    Pps__ProvisionalContainer: provisionalContainerName
    Pps__BackupsContainer: backupsContainerName
    // The backup copy, in another account and region, written with the same identity (Blob Data Contributor on
    // its container only). An empty endpoint: no copy.
    PpsBackupCopy__blobServiceUri: backupCopyBlobEndpoint
    PpsBackupCopy__credential: 'managedidentity'
    PpsBackupCopy__clientId: appIdentity.properties.clientId
    Pps__BackupCopyContainer: backupsContainerName
    Pps__AdminTokenSha256: adminTokenSha256
    CloseYearSchedule: closeYearSchedule
    BackupSchedule: backupSchedule
    // Mail: the outbox queue (same storage, PpsStorage__queueServiceUri) and the SMTP relay of Communication Services.
    ReminderSchedule: reminderSchedule
    Pps__MailQueue: mailQueueName
    Pps__Mail__SmtpHost: mailSmtpHost
    Pps__Mail__SmtpPort: string(mailSmtpPort)
    Pps__Mail__SmtpSecurity: 'StartTls'
    Pps__Mail__SmtpUserName: mailSmtpUserName
    Pps__Mail__SmtpPassword: mailSmtpPassword
    Pps__Mail__From: mailFrom
    Pps__Mail__SiteUrl: siteUrl
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    // Telemetry is sent with the user-assigned identity (Monitoring Metrics Publisher), as local auth is off.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${appIdentity.properties.clientId};Authorization=AAD'
  }
}

// No FTP or basic-auth (publishing profile) deployments: azd deploys with Microsoft Entra ID.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
