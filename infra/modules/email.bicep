// Mail in Azure: Azure Communication Services Email with an Azure-managed sender domain. The app sends through the
// service's SMTP relay (smtp.azurecomm.net, port 587, STARTTLS), the same SMTP path it uses locally against maildev
// (adapters/Mail/SmtpMailSender.cs). The relay authenticates a Microsoft Entra application, not a managed identity:
// its user name is "<communication service name>|<application (client) id>|<tenant id>" and its password a client
// secret of that application, which needs a role on the communication service that may send email (see
// docs/deploy.md, "Mail"). Until those are given, mail is queued and dead-lettered, and the alert says so.

@description('Name of the Email Communication Service.')
param emailServiceName string

@description('Name of the Communication Service the app sends through.')
param communicationServiceName string

@description('Where the services keep their data at rest (Communication Services geography).')
@allowed([
  'UK'
  'Europe'
])
param dataLocation string = 'UK'

@description('Display name of the sender.')
param senderDisplayName string = 'NPPN national returns'

@description('Tags for every resource.')
param tags object

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

// An Azure-managed domain ("xxxx.azurecomm.net"): no DNS to prove. A custom domain of NPPN's can replace it later.
resource domain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource sender 'Microsoft.Communication/emailServices/domains/senderUsernames@2023-04-01' = {
  parent: domain
  name: 'donotreply'
  properties: {
    username: 'DoNotReply'
    displayName: senderDisplayName
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      domain.id
    ]
  }
}

@description('The sender address (Pps__Mail__From).')
output fromAddress string = '${sender.properties.username}@${domain.properties.mailFromSenderDomain}'

@description('Name of the Communication Service: the first part of the SMTP relay\'s user name.')
output communicationServiceName string = communication.name
