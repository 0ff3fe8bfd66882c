// PPS national data collection: everything the system runs on, in one resource group.
//   storage account  - tables, the upload/report/reference/provisional containers, the static website ($web: site/
//                      and the published chart data under publishedPrefix), versioned immutable backups, lifecycle
//                      rules, logs to Log Analytics, redundancy and a delete lock as parameters (modules/storage.bicep)
//   identity         - the app's user-assigned identity, created and given its roles before the app exists
//                      (modules/identity.bicep, modules/roles.bicep: least privilege)
//   function app     - Flex Consumption, .NET isolated, that identity, identity-based connections, all app settings
//                      (modules/function-app.bicep)
//   monitoring       - Application Insights on a Log Analytics workspace (modules/monitoring.bicep) and the alerts
//                      (modules/alerts.bicep: close failed or silent, dead-lettered uploads, 5xx rate)
//   Event Grid       - the storage account's system topic, and the subscription that delivers BlobCreated
//                      events for the upload container to ValidateUploadedWorkbook (modules/upload-events-*.bicep)
// Deployed by `azd up` (see azure.yaml and docs/deploy.md). Local modules only: no registry modules.

targetScope = 'subscription'

@description('Name of the azd environment (for example pps-prod); used in resource names and tags.')
@minLength(1)
@maxLength(40)
param environmentName string

// The regions that offer the Flex Consumption plan (`az functionapp list-flexconsumption-locations`, as of 2025 from
// the author's reference: no Azure access here to re-check it). Each has a backup copy region in backupCopyRegions.
@description('Azure region for every resource (for example uksouth): one that offers the Flex Consumption plan.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('SHA-256 of NPPN\'s admin token, as 64 lowercase hex digits (Pps__AdminTokenSha256).')
@secure()
@minLength(64)
@maxLength(64)
param adminTokenSha256 string

@description('NCRONTAB schedule of the close-year timer function (CloseYearSchedule).')
param closeYearSchedule string = '0 0 2 * * *'

@description('NCRONTAB schedule of the table backup timer function (BackupSchedule).')
param backupSchedule string = '0 30 3 * * *'

@description('NCRONTAB schedule of the reminder timer (ReminderSchedule): it queues the reminders each year\'s schedule makes due.')
param reminderSchedule string = '0 0 8 * * *'

@description('Application (client) id of the Entra application allowed to send through the Communication Services SMTP relay; empty: mail is queued but not sent (docs/deploy.md, "Mail").')
param mailSmtpClientId string = ''

@description('A client secret of that application.')
@secure()
param mailSmtpClientSecret string = ''

@description('Days a table backup is immutable (cannot be changed or deleted, even by the app); deleted the day after.')
@minValue(1)
@maxValue(3650)
param backupRetentionDays int = 400

@description('Folder of the published figures in the static website (Pps__PublishedPrefix), with its trailing slash. One value for the app setting and the lifecycle rule.')
@minLength(1)
param publishedPrefix string = 'data/'

@description('Redundancy of the storage account: LRS (3 copies in one datacentre), ZRS (3 zones), GRS/GZRS (plus a copy in the paired region), RA- (that copy readable). Costs in docs/deploy.md.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSku string = 'Standard_LRS'

@description('Days for which a deleted blob or container can be restored (soft delete), in both storage accounts.')
@minValue(1)
@maxValue(365)
param softDeleteDays int = 30

@description('Lock the storage account against deletion (CanNotDelete). Remove the lock before azd down.')
param storageDeleteLock bool = true

@description('Write every table backup to a second storage account in another region as well (backupCopyLocation).')
param backupCopyEnabled bool = true

@description('Region of the backup copy; empty for the data region\'s pair (uksouth and ukwest pair each other).')
param backupCopyLocation string = ''

@description('Email address that receives the alerts (close failed or silent, backup missed, dead-lettered uploads, 5xx rate). Required: azd asks for it (PPS_ALERT_EMAIL).')
@minLength(3)
param alertEmail string

@description('Prefix of the app\'s table names (Pps__TablePrefix).')
@minLength(1)
@maxLength(20)
param tablePrefix string = 'pps'

@description('Days after which uploaded workbooks are deleted (a collection cycle plus a margin).')
@minValue(30)
@maxValue(3650)
param uploadRetentionDays int = 400

@description('Days after which validation reports and dead-lettered events are deleted.')
@minValue(30)
@maxValue(3650)
param reportRetentionDays int = 400

@description('Create the Event Grid subscription to the blob-triggered function. Needs the code deployed first: the azd postdeploy hook turns it on (PPS_UPLOAD_EVENTS_ENABLED) and provisions again.')
param uploadEventsEnabled bool = false

@description('Object ID of whoever runs azd (azd sets AZURE_PRINCIPAL_ID); gets blob data access to upload site/. Empty for none.')
param deployerPrincipalId string = ''

@description('Kind of principal the deployer is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

@description('Extra origins allowed by the API\'s CORS, for example a custom domain in front of the static website (https://host, no trailing slash).')
param additionalSiteOrigins array = []

@description('Daily Log Analytics ingestion cap in GB (decimal string) of the app\'s telemetry: a cost guard-rail.')
param logDailyCapGb string = '0.5'

@description('Daily ingestion cap in GB (decimal string) of the separate workspace that receives the storage logs.')
param storageLogDailyCapGb string = '0.5'

@description('Name of the resource group; empty for rg-<environmentName>.')
param resourceGroupName string = ''

// Names the app reads through its settings (see local.settings.sample.json at the repo root).
var uploadsContainerName = 'uploads'
var reportsContainerName = 'validation-reports'
var referenceContainerName = 'reference'
var publishedContainerName = '$web'
var provisionalContainerName = 'provisional'
var backupsContainerName = 'backups'
// The app's tables: Pps__TablePrefix followed by these names (StorageOptions in adapters/Storage; a test holds the
// list to the app's). The template creates them, and the app's identity may use only these (modules/roles.bicep):
// the app does not create tables in Azure (Pps__TablesProvisioned).
var tableSuffixes = [
  'Returns'
  'ReturnHistory'
  'Years'
  'Credentials'
  'Contacts'
  'Mail'
]
var tableNames = [for suffix in tableSuffixes: '${tablePrefix}${suffix}']
// Infrastructure-only containers.
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'
// The functions the infrastructure points at, with their triggers: the Event Grid subscription targets the
// blob-triggered one and the alerts name the close-of-year timer. tests/Infra/FunctionReferencesTests.cs checks
// every one against the functions.metadata of the build.
var uploadFunctionName = 'ValidateUploadedWorkbook'
var closeFunctionName = 'CloseCollectionYears'
var backupFunctionName = 'BackupTables'
var functionReferences = [
  {
    name: uploadFunctionName
    trigger: 'blobTrigger'
  }
  {
    name: closeFunctionName
    trigger: 'timerTrigger'
  }
  {
    name: backupFunctionName
    trigger: 'timerTrigger'
  }
]
// Log lines of the close-of-year run that the alerts search for (PpsTelemetry in core/Telemetry; a test keeps them equal).
var closeEvents = {
  failed: 'pps.close.failed'
  overdue: 'pps.close.overdue'
  checked: 'pps.close.checked'
  backup: 'pps.backup.written'
}
// Log lines of the upload check that the alerts search for: the app's own (PpsTelemetry; a test keeps them equal),
// and the Functions host's line when a blob trigger's message goes to its poison queue (webjobs-blobtrigger-poison).
var uploadEvents = {
  checkFailed: 'pps.upload.check-failed'
  poisonQueue: 'webjobs-blobtrigger-poison'
}
// Log lines of the mail outbox that the alerts search for (PpsTelemetry; a test keeps them equal).
var mailEvents = {
  deadLettered: 'pps.mail.dead-lettered'
  notQueued: 'pps.mail.not-queued'
}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
// Where the backup copy goes by default: the region's pair, or, where the pair is closed to new customers
// (francesouth, germanynorth, …), a region of the same geography that is open to them.
var backupCopyRegions = {
  uksouth: 'ukwest'
  ukwest: 'uksouth'
  northeurope: 'westeurope'
  westeurope: 'northeurope'
  francecentral: 'westeurope'
  germanywestcentral: 'westeurope'
  italynorth: 'westeurope'
  spaincentral: 'westeurope'
  swedencentral: 'northeurope'
  norwayeast: 'northeurope'
  switzerlandnorth: 'westeurope'
  polandcentral: 'westeurope'
  eastus: 'westus'
  eastus2: 'centralus'
  centralus: 'eastus2'
  northcentralus: 'southcentralus'
  southcentralus: 'northcentralus'
  westus: 'eastus'
  westus2: 'westcentralus'
  westus3: 'eastus'
  westcentralus: 'westus2'
  canadacentral: 'canadaeast'
  brazilsouth: 'southcentralus'
  australiaeast: 'australiasoutheast'
  australiasoutheast: 'australiaeast'
  eastasia: 'southeastasia'
  southeastasia: 'eastasia'
  japaneast: 'japanwest'
  koreacentral: 'koreasouth'
  centralindia: 'southindia'
  southindia: 'centralindia'
  uaenorth: 'westeurope'
  southafricanorth: 'westeurope'
}
var backupCopyRegion = empty(backupCopyLocation) ? (backupCopyRegions[?location] ?? '') : backupCopyLocation
// Names are computed here (not taken from module outputs) so that what-if can predict every resource.
var storageAccountName = 'st${resourceToken}'
var functionAppName = 'func-${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
var appIdentityName = 'id-${resourceToken}'
var systemTopicName = 'evgt-${resourceToken}'
var tags = {
  'azd-env-name': environmentName
  application: 'pps-data-collection'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
    dailyCapGb: logDailyCapGb
    storageLogAnalyticsName: 'logst-${resourceToken}'
    storageLogDailyCapGb: storageLogDailyCapGb
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    skuName: storageSku
    deleteLock: storageDeleteLock
    softDeleteDays: softDeleteDays
    // Its own workspace and cap: the storage logs cannot crowd the app's telemetry out of its workspace.
    logAnalyticsWorkspaceId: monitoring.outputs.storageLogAnalyticsWorkspaceId
    tableNames: tableNames
    uploadsContainerName: uploadsContainerName
    reportsContainerName: reportsContainerName
    referenceContainerName: referenceContainerName
    provisionalContainerName: provisionalContainerName
    backupsContainerName: backupsContainerName
    publishedContainerName: publishedContainerName
    publishedPrefix: publishedPrefix
    backupRetentionDays: backupRetentionDays
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    uploadRetentionDays: uploadRetentionDays
    reportRetentionDays: reportRetentionDays
  }
}

// The app's identity and its roles come first, so the app's first start already has its access.
module appIdentity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: appIdentityName
    location: location
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    appIdentityName: appIdentityName
    siteContainerName: publishedContainerName
    tableNames: tableNames
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
  dependsOn: [
    storage
    monitoring
    appIdentity
  ]
}

module email 'modules/email.bicep' = {
  name: 'email'
  scope: rg
  params: {
    emailServiceName: 'ecs-${resourceToken}'
    communicationServiceName: 'acs-${resourceToken}'
    tags: tags
  }
}

// The backups' copy away from the data's account and region (modules/backup-copy.bicep). After the identity, whose
// role it grants on its container, and before the app, whose settings name it.
module backupCopy 'modules/backup-copy.bicep' = if (backupCopyEnabled) {
  name: 'backup-copy'
  scope: rg
  params: {
    name: 'stbk${resourceToken}'
    location: backupCopyRegion
    tags: tags
    backupsContainerName: backupsContainerName
    backupRetentionDays: backupRetentionDays
    softDeleteDays: softDeleteDays
    deleteLock: storageDeleteLock
    appIdentityName: appIdentityName
  }
  dependsOn: [
    appIdentity
  ]
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
    appIdentityName: appIdentityName
    deploymentContainerName: deploymentContainerName
    allowedOrigins: concat([storage.outputs.webOrigin], additionalSiteOrigins)
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    tablePrefix: tablePrefix
    uploadsContainerName: uploadsContainerName
    reportsContainerName: reportsContainerName
    referenceContainerName: referenceContainerName
    publishedContainerName: publishedContainerName
    publishedPrefix: publishedPrefix
    provisionalContainerName: provisionalContainerName
    backupsContainerName: backupsContainerName
    backupCopyBlobEndpoint: backupCopy.?outputs.blobEndpoint ?? ''
    adminTokenSha256: adminTokenSha256
    closeYearSchedule: closeYearSchedule
    backupSchedule: backupSchedule
    reminderSchedule: reminderSchedule
    mailQueueName: '${toLower(tablePrefix)}-mail'
    mailSmtpHost: 'smtp.azurecomm.net'
    mailSmtpPort: 587
    mailFrom: email.outputs.fromAddress
    mailSmtpUserName: empty(mailSmtpClientId) ? '' : '${email.outputs.communicationServiceName}|${mailSmtpClientId}|${tenant().tenantId}'
    mailSmtpPassword: mailSmtpClientSecret
    siteUrl: storage.outputs.webEndpoint
  }
  dependsOn: [
    roles
  ]
}

module uploadEventsTopic 'modules/upload-events-topic.bicep' = {
  name: 'upload-events-topic'
  scope: rg
  params: {
    name: systemTopicName
    location: location
    tags: tags
    storageAccountName: storageAccountName
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [
    storage
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: 'pps-${resourceToken}'
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    systemTopicName: systemTopicName
    alertEmail: alertEmail
    closeFunctionName: closeFunctionName
    closeEvents: closeEvents
    mailEvents: mailEvents
    uploadEvents: uploadEvents
    uploadFunctionName: uploadFunctionName
    backupFunctionName: backupFunctionName
  }
  dependsOn: [
    uploadEventsTopic
  ]
}

module uploadEventsSubscription 'modules/upload-events-subscription.bicep' = if (uploadEventsEnabled) {
  name: 'upload-events-subscription'
  scope: rg
  params: {
    systemTopicName: systemTopicName
    functionAppName: functionAppName
    functionName: uploadFunctionName
    uploadsContainerName: uploadsContainerName
    storageAccountName: storageAccountName
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [
    uploadEventsTopic
    functionApp
    roles
  ]
}

@description('URL of the static website (site/ and the published chart data under publishedPrefix).')
output SITE_URL string = storage.outputs.webEndpoint
@description('Name of the function app.')
output FUNCTION_APP_NAME string = functionApp.outputs.name
@description('Base URL of the returns API.')
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
@description('The storage account that holds the copies of the table backups (empty when backupCopyEnabled is false).')
output BACKUP_COPY_ACCOUNT_NAME string = backupCopy.?outputs.name ?? ''
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output UPLOAD_EVENTS_SYSTEM_TOPIC string = uploadEventsTopic.outputs.name
output UPLOAD_EVENTS_SUBSCRIPTION string = uploadEventsSubscription.?outputs.name ?? ''
@description('The functions the infrastructure points at (space-separated); the postdeploy hook checks that the deployed app has them.')
output REFERENCED_FUNCTIONS string = join(map(functionReferences, f => f.name), ' ')
@description('The blob-triggered function the Event Grid subscription delivers upload events to.')
output UPLOAD_FUNCTION_NAME string = uploadFunctionName
@description('Folder of the published chart data in the static website; the postdeploy hook leaves it alone when it uploads site/.')
output PUBLISHED_PREFIX string = publishedPrefix
